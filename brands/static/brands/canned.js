// Canned replies beside the answer form: "Insert" puts the reply's text into the answer
// at the cursor (always editable before posting) and counts one use in the background.
// Without JavaScript the form posts, counts the use, and the text can be copied by hand.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-canned-insert]")) return;
    var picker = form.closest("[data-canned-picker]");
    var target = picker && document.querySelector(picker.dataset.target);
    var source = form.closest("details").querySelector("[data-canned-text]");
    if (!target || !source) return;
    event.preventDefault();
    var text = source.value;
    var start = target.selectionStart || 0;
    var end = target.selectionEnd || 0;
    var before = target.value.slice(0, start);
    var after = target.value.slice(end);
    var gap = before && !before.endsWith("\n") ? "\n\n" : "";
    target.value = before + gap + text + after;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    target.focus();
    var caret = (before + gap + text).length;
    target.setSelectionRange(caret, caret);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).catch(function () {});
  });
})();
