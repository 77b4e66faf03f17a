// Ceremony form: Enter in an institution search box looks institutions up instead of
// submitting the whole form (which would add a row or save every MoU).
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches(".ceremony-search input[type='search']")) {
    event.preventDefault();
    event.target.dispatchEvent(new Event("search"));
  }
});

// Keyboard users keep their place when htmx replaces what they were on: a party picked from the
// suggestions (whose buttons disappear) sends the focus back to the search box for the next
// one; a new row focuses its title; a removed row focuses the note that replaced it.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.target;
  if (!target || !target.id) return;
  if (target.id === "ceremony-rows") {
    const rows = target.querySelectorAll(".ceremony-row");
    const title = rows.length ? rows[rows.length - 1].querySelector(".ceremony-title input") : null;
    if (title) title.focus();
  } else if (target.id.endsWith("-chips")) {
    const search = document.getElementById(target.id.replace(/-chips$/, "-search"));
    if (search) {
      search.focus();
      search.select();
    }
  } else if (target.id.endsWith("-row")) {
    // After settling: until then the new row still wears the old one's attributes.
    const note = document.querySelector("#" + CSS.escape(target.id) + ".formset-row-removed [tabindex='-1']");
    if (note) note.focus();
  }
});
