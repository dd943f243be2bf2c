// "Add a row" for a Django formset, without a round trip (which would lose the files already chosen).
// The button names the formset's prefix (data-formset-add); the page holds the empty form in
// <template id="PREFIX-empty-form"> and the rows in #PREFIX-rows. The clone takes the next index and
// TOTAL_FORMS counts it; at MAX_NUM_FORMS the button is disabled (the server refuses more anyway).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = Number(document.getElementById(`id_${prefix}-MAX_NUM_FORMS`).value);
  const index = Number(total.value);
  if (index >= max) return;
  const template = document.getElementById(`${prefix}-empty-form`);
  const rows = document.getElementById(`${prefix}-rows`);
  rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
  total.value = String(index + 1);
  button.disabled = index + 1 >= max;
  rows.lastElementChild.querySelector("input, select, textarea")?.focus();
});
