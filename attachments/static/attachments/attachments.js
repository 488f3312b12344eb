// Images in post forms: chosen (the phone offers its camera and photos), pasted or
// dragged in. Every image joins the form's one file input, so the form posts as it does
// without JavaScript; each gets its own description box (attachment_alt) in place of the
// one text box of the page without script.
(function () {
  "use strict";

  function isImage(file) { return file && /^image\//.test(file.type); }

  function addFiles(input, files) {
    var images = Array.prototype.filter.call(files, isImage);
    if (!images.length) { return false; }
    var transfer = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file) { transfer.items.add(file); });
    images.forEach(function (file) { transfer.items.add(file); });
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function removeFile(input, index) {
    var transfer = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file, i) {
      if (i !== index) { transfer.items.add(file); }
    });
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function render(input, list, altBox) {
    var kept = Array.prototype.map.call(list.querySelectorAll("input[name=attachment_alt]"),
      function (box) { return box.value; });
    list.textContent = "";
    var count = input.files.length;
    var altField = altBox && altBox.closest(".field");
    if (altBox) {
      altBox.disabled = count > 0;  // the boxes beside each image take its place
      if (altField) { altField.hidden = count > 0; }
    }
    Array.prototype.forEach.call(input.files, function (file, index) {
      var row = document.createElement("div");
      row.className = "attachment-pick";
      var image = document.createElement("img");
      image.alt = "";
      var reader = new FileReader();
      reader.onload = function () { image.src = reader.result; };
      reader.readAsDataURL(file);
      var label = document.createElement("label");
      label.textContent = input.dataset.altLabel + " (" + file.name + ")";
      var box = document.createElement("input");
      box.type = "text";
      box.name = "attachment_alt";
      box.required = true;
      box.maxLength = 500;
      box.placeholder = input.dataset.altPlaceholder || "";
      box.value = kept[index] || "";
      box.id = input.id + "_alt_" + index;
      label.htmlFor = box.id;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button";
      remove.textContent = input.dataset.removeLabel;
      remove.addEventListener("click", function () { removeFile(input, index); });
      var text = document.createElement("div");
      text.appendChild(label);
      text.appendChild(box);
      row.appendChild(image);
      row.appendChild(text);
      row.appendChild(remove);
      list.appendChild(row);
    });
  }

  function bind(input) {
    if (input.dataset.attachmentsBound) { return; }
    input.dataset.attachmentsBound = "1";
    var form = input.form;
    var altBox = form.querySelector("[data-attachments=alt]");
    var list = document.createElement("div");
    list.className = "attachment-picks";
    list.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    input.addEventListener("change", function () { render(input, list, altBox); });
    form.addEventListener("paste", function (event) {
      var files = event.clipboardData && event.clipboardData.files;
      if (files && files.length && addFiles(input, files)) { event.preventDefault(); }
    });
    form.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
      }
    });
    form.addEventListener("drop", function (event) {
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length && addFiles(input, files)) { event.preventDefault(); }
    });
    if (input.files.length) { render(input, list, altBox); }
  }

  function bindAll() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-attachments=input]"), bind);
  }
  document.addEventListener("DOMContentLoaded", bindAll);
  document.addEventListener("htmx:afterSwap", bindAll);
  if (document.readyState !== "loading") { bindAll(); }
})();
