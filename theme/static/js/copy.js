// Feed addresses: a "Copy" button beside each read-only field. Without JavaScript the
// field can still be selected and copied by hand.
document.querySelectorAll("input[data-copy]").forEach(function (field) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy-button";
  button.textContent = field.dataset.copyLabel || "Copy";
  button.addEventListener("click", function () {
    field.select();
    var done = function () { button.textContent = field.dataset.copiedLabel || "Copied"; };
    if (navigator.clipboard) { navigator.clipboard.writeText(field.value).then(done); }
    else if (document.execCommand("copy")) { done(); }
  });
  field.insertAdjacentElement("afterend", button);
});
