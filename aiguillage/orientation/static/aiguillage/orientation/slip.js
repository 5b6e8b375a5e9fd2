/* The slip's "Imprimer" button: hidden without JavaScript (Ctrl+P is said instead),
   shown and wired here, since the CSP allows no inline script. */
document.querySelectorAll("[data-slip-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
