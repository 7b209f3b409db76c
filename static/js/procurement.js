// Adoption matrix: a "select all" box per product group. Pure enhancement: without
// JavaScript every criterion still has its own checkbox.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.matrix[data-select-all-label]").forEach((table) => {
    const cell = table.querySelector("thead th[data-select-all]");
    const boxes = table.querySelectorAll('tbody input[type="checkbox"][name="criteria"]');
    if (!cell || boxes.length === 0) return;
    const all = document.createElement("input");
    all.type = "checkbox";
    all.className = "form-check-input";
    all.setAttribute("aria-label", table.dataset.selectAllLabel);
    cell.replaceChildren(all);
    all.addEventListener("change", () => {
      boxes.forEach((box) => { box.checked = all.checked; });
    });
  });
});
