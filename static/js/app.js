// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Confirm destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // A table wider than the screen scrolls sideways inside its .table-responsive box (on a phone, most do): make
  // such a box focusable so the keyboard can scroll it too, and name it after its table's caption.
  function keyboardScrollable() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-responsive"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
        if (caption && caption.textContent.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
        ["tabindex", "data-scroll-focus", "role", "aria-label"].forEach(function (name) { box.removeAttribute(name); });
      }
    });
  }
  keyboardScrollable();
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(keyboardScrollable, 100);
  });
  // The browser's own messages ("Please fill out this field", "Choose File") follow the browser's language, not
  // the page's: replace them with the page's, which base.html passes as JSON.
  var messagesTag = document.getElementById("ui-messages");
  var messages = messagesTag ? JSON.parse(messagesTag.textContent) : null;
  function localDigits(value) {
    var text = String(value);
    return messages && messages.persianDigits ? text.replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : text;
  }
  function validityMessage(field) {
    var v = field.validity;
    if (v.valueMissing) {
      if (field.type === "file") { return messages.fileMissing; }
      if (field.type === "checkbox" || field.type === "radio") { return messages.checkboxMissing; }
      return field.tagName === "SELECT" ? messages.selectMissing : messages.valueMissing;
    }
    if (v.badInput) { return messages.badInput; }
    if (v.typeMismatch) { return field.type === "email" ? messages.typeMismatchEmail : messages.typeMismatch; }
    if (v.tooShort) { return messages.tooShort.replace("{n}", localDigits(field.minLength)); }
    if (v.tooLong) { return messages.tooLong.replace("{n}", localDigits(field.maxLength)); }
    if (v.rangeUnderflow) { return messages.rangeUnderflow.replace("{n}", localDigits(field.min)); }
    if (v.rangeOverflow) { return messages.rangeOverflow.replace("{n}", localDigits(field.max)); }
    if (v.stepMismatch) { return messages.stepMismatch; }
    if (v.patternMismatch) { return field.title || messages.patternMismatch; }
    return "";
  }
  if (messages) {
    document.addEventListener("invalid", function (event) {
      var field = event.target;
      if (!field.setCustomValidity) { return; }
      field.setCustomValidity("");
      if (!field.validity.valid) { field.setCustomValidity(validityMessage(field)); }
    }, true);
    ["input", "change"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (event.target.setCustomValidity) { event.target.setCustomValidity(""); }
      }, true);
    });
    // A file field: the native control stays (invisible, on top, so clicks, the keyboard and the label still reach
    // it); the face under it speaks the page's language and names the chosen file.
    Array.prototype.forEach.call(document.querySelectorAll('input[type="file"]'), function (input) {
      var box = document.createElement("div");
      var face = document.createElement("div");
      var button = document.createElement("span");
      var name = document.createElement("span");
      box.className = "file-picker";
      face.className = "form-control file-picker-face" + (input.classList.contains("is-invalid") ? " is-invalid" : "");
      face.setAttribute("aria-hidden", "true");
      button.className = "file-picker-button";
      button.textContent = messages.chooseFile;
      name.className = "file-picker-name";
      name.textContent = messages.noFile;
      input.parentNode.insertBefore(box, input);
      box.appendChild(input);
      face.appendChild(button);
      face.appendChild(name);
      box.appendChild(face);
      input.classList.add("file-picker-input");
      input.addEventListener("change", function () {
        name.textContent = input.files && input.files.length
          ? Array.prototype.map.call(input.files, function (file) { return file.name; }).join("، ")
          : messages.noFile;
      });
    });
  }
  // Unsaved changes: a form that posts and has been typed into asks before the page is left.
  var dirtyForms = new Set();
  function postingForm(element) {
    var form = element && element.form;
    return form && (form.method || "").toLowerCase() === "post" && !form.hasAttribute("data-no-unsaved") ? form : null;
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = postingForm(event.target);
      if (form && event.target.type !== "hidden") { dirtyForms.add(form); }
    });
  });
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) { dirtyForms.delete(event.target); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // A form posted after the session had expired comes back here (hooks._restored_form): put its values back
  // into the form that posted them, open it, and leave sending it to the user.
  var restoredTag = document.getElementById("restored-form");
  if (restoredTag) {
    var restored = JSON.parse(restoredTag.textContent);
    var target = Array.prototype.find.call(document.forms, function (form) {
      return new URL(form.action, window.location.href).pathname === restored.action;
    });
    if (target) {
      Object.keys(restored.fields).forEach(function (name) {
        var values = restored.fields[name];
        Array.prototype.forEach.call(target.querySelectorAll("[name]"), function (field) {
          if (field.name !== name || field.type === "hidden" || field.type === "file") { return; }
          if (field.type === "checkbox" || field.type === "radio") {
            field.checked = values.indexOf(field.value) !== -1;
          } else if (field.tagName === "SELECT" && field.multiple) {
            Array.prototype.forEach.call(field.options, function (option) { option.selected = values.indexOf(option.value) !== -1; });
          } else {
            field.value = values[0] || "";
          }
          field.dispatchEvent(new Event("input", { bubbles: true }));
        });
      });
      dirtyForms.add(target);
      for (var box = target.parentElement; box; box = box.parentElement) {
        if (box.tagName === "DETAILS") { box.open = true; }
      }
      target.classList.add("restored-form");
      target.scrollIntoView({ block: "center" });
    }
  }
  // The idle timeout: typing keeps the session alive (a ping at most every five minutes while the user works);
  // a user who has truly been away is warned two minutes before the end and can stay signed in.
  if (messages && messages.idleSeconds && messages.keepaliveUrl && window.fetch) {
    var idleMs = messages.idleSeconds * 1000;
    var warnBefore = Math.min(120000, idleMs / 4);
    var lastPing = Date.now();
    var warnTimer = null;
    var warning = null;
    var schedule = function () {
      window.clearTimeout(warnTimer);
      warnTimer = window.setTimeout(showWarning, idleMs - warnBefore);
    };
    var ping = function () {
      lastPing = Date.now();
      return window.fetch(messages.keepaliveUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.ok) { schedule(); hideWarning(); } else { showEnded(); }
        }, function () { /* offline: the next activity tries again */ });
    };
    var hideWarning = function () { if (warning) { warning.remove(); warning = null; } };
    var showWarning = function () {
      hideWarning();
      warning = document.createElement("div");
      warning.className = "alert alert-warning idle-warning shadow d-flex flex-wrap align-items-center gap-2";
      warning.setAttribute("role", "alertdialog");
      var text = document.createElement("span");
      text.textContent = messages.idleWarning.replace("{n}", localDigits(Math.max(1, Math.round(warnBefore / 60000))));
      var stay = document.createElement("button");
      stay.type = "button";
      stay.className = "btn btn-sm btn-primary";
      stay.textContent = messages.idleStay;
      stay.addEventListener("click", ping);
      warning.appendChild(text);
      warning.appendChild(stay);
      document.body.appendChild(warning);
      stay.focus();
      warnTimer = window.setTimeout(showEnded, warnBefore);
    };
    var showEnded = function () {
      hideWarning();
      warning = document.createElement("div");
      warning.className = "alert alert-danger idle-warning shadow";
      warning.setAttribute("role", "alert");
      warning.textContent = messages.idleEnded;
      document.body.appendChild(warning);
    };
    ["keydown", "input", "pointerdown"].forEach(function (type) {
      document.addEventListener(type, function () {
        if (Date.now() - lastPing > 300000) { ping(); }
      }, { passive: true });
    });
    schedule();
  }
  // Jalali date picker on inputs marked data-jdp (the picker is loaded only on pages that need it).
  if (window.jalaliDatepicker) {
    window.jalaliDatepicker.startWatch({ persianDigits: true, autoShow: true, autoHide: true, hideAfterChange: true });
  }
})();
