// Ceremony form: Enter in an institution search box looks institutions up instead of
// submitting the whole form (which would add a row or save every MoU).
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches(".ceremony-search input[type='search']")) {
    event.preventDefault();
    event.target.dispatchEvent(new Event("search"));
  }
});
