// The contrast of every visible, enabled form control against what is behind it
// (WCAG 2.1 SC 1.4.11), for page.evaluate(): one entry per control with its kind,
// ratio and a description. Used by test_contrast.py.
() => {
  const parse = (text) => {
    const m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return {r: 0, g: 0, b: 0, a: 0};
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  // WCAG 2.x relative luminance and contrast ratio.
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  // The colour behind an element: its ancestors' backgrounds down to the first opaque one.
  const behind = (el) => {
    const layers = [];
    for (let node = el.parentElement; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg.a > 0) layers.push(bg);
      if (bg.a >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), {r: 255, g: 255, b: 255, a: 1});
  };
  const hex = (c) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const kind = (el) => {
    if (el.closest('.language-switch')) return 'language switch';
    if (el.classList.contains('page-link')) return 'pagination';
    if (el.classList.contains('navbar-toggler')) return 'navbar toggler';
    const tag = el.tagName.toLowerCase();
    if (tag === 'select' || tag === 'textarea') return tag;
    if (tag === 'input') {
      const type = el.type;
      if (['checkbox', 'radio', 'file'].includes(type)) return type;
      if (['submit', 'button', 'reset'].includes(type)) return 'button';
      return 'text field';
    }
    if ([...el.classList].some((c) => c.startsWith('btn-outline-'))) return 'outline button';
    return 'button';
  };
  const selector = 'input:not([type=hidden]), select, textarea, button, .btn, .page-link';
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility !== 'visible') continue;
    if (el.closest('.visually-hidden, .visually-hidden-focusable')) continue;
    if (el.matches(':disabled, .disabled, [aria-disabled=true]') || el.closest('.disabled')) continue;
    const back = behind(el);
    const own = parse(style.backgroundColor);
    const fill = own.a > 0 ? over(own, back) : null;
    let best = fill ? ratio(fill, back) : 0, border = null;
    for (const side of ['Top', 'Right', 'Bottom', 'Left']) {
      const width = parseFloat(style[`border${side}Width`]);
      const colour = parse(style[`border${side}Color`]);
      if (!width || style[`border${side}Style`] === 'none' || colour.a === 0) continue;
      // A border drawn over the control's own background (background-clip: border-box).
      const base = fill && style.backgroundClip === 'border-box' ? fill : back;
      const shown = over(colour, base);
      const r = ratio(shown, back);
      if (r > best || border === null) { border = shown; best = Math.max(best, r); }
    }
    if (!fill && !border) continue;  // text only: no boundary to measure
    const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '').trim();
    found.push({
      kind: kind(el),
      ratio: Math.round(best * 100) / 100,
      what: `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${name.slice(0, 30)}"`
            + ` border ${border ? hex(border) : '-'} fill ${fill ? hex(fill) : '-'} on ${hex(back)}`,
    });
  }
  return found;
}
