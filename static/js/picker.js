// Grouped checkbox picker (network.forms.widgets.GroupedCheckboxSelectMultiple).
// Pure enhancement: without JavaScript every group and every box is shown and works.
// - a text filter hides the options that do not contain every word typed (in the option
//   or its group's legend), and groups left empty; a live region says how many are shown;
// - a picker with data-picker-follows shows only the group picked in that select (the
//   tender's product group), plus every group with a ticked box: nothing ticked is hidden.
// Hidden boxes keep their state and are sent with the form: filtering never unticks.
(() => {
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase("de");

  function setUp(picker) {
    const filterBox = picker.querySelector("[data-picker-filter]");
    const input = filterBox && filterBox.querySelector("input");
    const count = picker.querySelector("[data-picker-count]");
    const groups = Array.from(picker.querySelectorAll("[data-picker-group]"));
    const follows = picker.dataset.pickerFollows
      ? document.getElementById(picker.dataset.pickerFollows)
      : null;
    const options = [];
    groups.forEach((group) => {
      const legend = group.querySelector("legend");
      const legendText = fold(legend ? legend.textContent : "");
      group.querySelectorAll("[data-picker-option]").forEach((option) => {
        options.push({ group, option, text: `${fold(option.textContent)} ${legendText}` });
      });
    });
    const boxes = () => picker.querySelectorAll('input[type="checkbox"]');

    function recount() {
      const all = boxes();
      const selected = Array.from(all).filter((box) => box.checked).length;
      const shown = options.filter(({ group, option }) => !group.hidden && !option.hidden).length;
      if (count) {
        count.textContent = picker.dataset.countTemplate
          .replace("{shown}", shown)
          .replace("{total}", all.length)
          .replace("{selected}", selected);
      }
    }

    function update() {
      const words = input ? fold(input.value).split(/\s+/).filter(Boolean) : [];
      const wanted = follows ? follows.value : "";
      const shownInGroup = new Map(groups.map((group) => [group, 0]));
      options.forEach(({ group, option, text }) => {
        const match = words.every((word) => text.includes(word));
        option.hidden = !match;
        if (match) shownInGroup.set(group, shownInGroup.get(group) + 1);
      });
      groups.forEach((group) => {
        const ticked = group.querySelector('input[type="checkbox"]:checked') !== null;
        const followed = !wanted || !group.dataset.groupKey || group.dataset.groupKey === wanted;
        group.hidden = !((followed || ticked) && shownInGroup.get(group) > 0);
      });
      recount();
    }

    if (input) {
      filterBox.hidden = false;
      input.addEventListener("input", update);
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault(); // filtering, not sending the form
        } else if (event.key === "Escape" && input.value) {
          event.preventDefault();
          input.value = "";
          update();
        }
      });
    }
    // Ticking only recounts: a group must not vanish under the box just unticked.
    picker.addEventListener("change", (event) => {
      if (event.target.matches('input[type="checkbox"]')) recount();
    });
    if (follows) follows.addEventListener("change", update);
    update();
  }

  const start = () => document.querySelectorAll("[data-picker]").forEach(setUp);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
