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
  // Putting typed values back into a form: the one way for an expired post (below) and an autosaved draft.
  // A form's address: its action attribute (the property is shadowed by a field called "action"), else the page.
  function formUrl(form) {
    var url = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    url.hash = "";
    return url;
  }
  function fillForm(form, fields) {
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      Array.prototype.forEach.call(form.querySelectorAll("[name]"), function (field) {
        if (field.name !== name || field.type === "hidden" || field.type === "file" || field.type === "password") { return; }
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = values.indexOf(field.value) !== -1;
        } else if (field.tagName === "SELECT" && field.multiple) {
          Array.prototype.forEach.call(field.options, function (option) { option.selected = values.indexOf(option.value) !== -1; });
        } else if (field.tagName === "BUTTON" || field.type === "submit") {
          return;
        } else {
          field.value = values[0] || "";
        }
        field.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }
  function revealForm(form) {
    dirtyForms.add(form);
    for (var box = form.parentElement; box; box = box.parentElement) {
      if (box.tagName === "DETAILS") { box.open = true; }
    }
    form.classList.add("restored-form");
  }
  // Autosave (awards.drafts): a form marked data-autosave sends what has been typed to the server two seconds after
  // the last keystroke, when a field is left and when the page is hidden; a small status beside its buttons says
  // how it went. Hidden, file and password fields are never sent. The page brings a saved draft back on load.
  var autosaving = messages && messages.draftsUrl && window.fetch ? new Map() : null;
  var SKIPPED = ["hidden", "file", "password", "submit", "button", "reset", "image"];
  function draftKey(form) {
    var url = formUrl(form);
    var name = form.getAttribute("data-autosave");
    return url.pathname + url.search + (name ? "#" + name : "");
  }
  function draftFields(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || SKIPPED.indexOf(field.type) !== -1 || field.name === "csrf_token") { return; }
      var values = fields[field.name] || (fields[field.name] = []);
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) { values.push(field.value); }
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.selectedOptions, function (option) { values.push(option.value); });
      } else {
        values.push(field.value);
      }
    });
    return fields;
  }
  function csrfToken(form) {
    var input = form.querySelector('input[name="csrf_token"]') || document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }
  function postJson(url, form, body, keepalive) {
    return window.fetch(url, {
      method: "POST", credentials: "same-origin", redirect: "manual", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken(form) },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var failure = new Error(data.error || messages.draftFailed);
          failure.status = response.status;
          throw failure;
        }
        return data;
      });
    });
  }
  function draftState(form) {
    var state = autosaving.get(form);
    if (state) { return state; }
    var status = form.querySelector("[data-autosave-status]");
    if (!status) {
      status = document.createElement("span");
      var buttons = form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
      var last = buttons[buttons.length - 1];
      (last ? last.parentNode : form).appendChild(status);
    }
    status.classList.add("autosave-status", "small", "text-muted");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    state = { timer: null, sending: false, again: false, sent: JSON.stringify(draftFields(form)), done: false,
              quiet: false, status: status };
    autosaving.set(form, state);
    return state;
  }
  function showStatus(state, text, failed) {
    state.status.textContent = text;
    state.status.classList.toggle("text-danger", !!failed);
    state.status.classList.toggle("text-muted", !failed);
  }
  function saveDraft(form, keepalive) {
    var state = draftState(form);
    window.clearTimeout(state.timer);
    state.timer = null;
    if (state.done) { return; }
    if (state.sending) { state.again = true; return; }
    var fields = draftFields(form);
    var text = JSON.stringify(fields);
    if (text === state.sent) { return; }
    state.sending = true;
    showStatus(state, messages.draftSaving);
    var body = { key: draftKey(form), page: window.location.pathname, since: messages.draftsSince, fields: fields };
    postJson(messages.draftsUrl, form, body, keepalive)
      .then(function (data) {
        state.sent = text;
        if (!state.done) { showStatus(state, data.message || ""); }
      }, function (error) {
        if (error.status === 409) { state.done = true; }  // the form was sent from another page meanwhile
        showStatus(state, error.message || messages.draftFailed, true);
      })
      .then(function () {
        state.sending = false;
        if (state.again) { state.again = false; saveDraft(form); }
      });
  }
  function pending(form) {
    var state = autosaving.get(form);
    return state && !state.done && (state.timer !== null || state.again) ? state : null;
  }
  if (autosaving) {
    var autosaveForms = Array.prototype.filter.call(document.forms, function (form) {
      return form.hasAttribute("data-autosave") && (form.method || "").toLowerCase() === "post";
    });
    autosaveForms.forEach(draftState);
    ["input", "change"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        var form = event.target.form;
        var state = form && autosaving.get(form);
        if (!state || state.quiet || state.done || event.target.type === "hidden") { return; }
        window.clearTimeout(state.timer);
        state.timer = window.setTimeout(function () { saveDraft(form); }, 2000);
      });
    });
    // Leaving a field saves soon, not at once: a click on the form's own button leaves the field too, and its
    // send (which cancels this) must not race a save of the same typing.
    document.addEventListener("focusout", function (event) {
      var form = event.target.form;
      var state = form && pending(form);
      if (state && !state.sending) {
        window.clearTimeout(state.timer);
        state.timer = window.setTimeout(function () { saveDraft(form); }, 400);
      }
    });
    var flushAll = function () {
      autosaving.forEach(function (state, form) { if (pending(form)) { saveDraft(form, true); } });
    };
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { flushAll(); } });
    window.addEventListener("pagehide", flushAll);
    // Sent: no more saves. The send says it comes from an autosaving page (and which form, when the page names
    // its forms), so the server, once it accepts it, refuses a save of this page still on its way.
    document.addEventListener("submit", function (event) {
      var state = autosaving.get(event.target);
      if (!state || event.defaultPrevented) { return; }
      window.clearTimeout(state.timer);
      state.done = true;
      var name = event.target.getAttribute("data-autosave");
      if (!event.target.querySelector('input[name="_draft"]')) {
        var marker = document.createElement("input");
        marker.type = "hidden";
        marker.name = "_draft";
        marker.value = name || "";
        event.target.appendChild(marker);
      }
    });
    // The page brought this user's drafts typed here (awards.drafts.routes.page_drafts): put each back, say so,
    // and offer to throw it away (the form then shows what is saved on the server again).
    var draftsTag = document.getElementById("form-drafts");
    (draftsTag ? JSON.parse(draftsTag.textContent) : []).forEach(function (draft) {
      var form = autosaveForms.find(function (candidate) { return draftKey(candidate) === draft.key; });
      if (!form) { return; }
      var state = draftState(form);
      state.quiet = true;
      fillForm(form, draft.fields);
      state.quiet = false;
      state.sent = JSON.stringify(draftFields(form));
      revealForm(form);
      var note = document.createElement("div");
      note.className = "alert alert-info small d-flex flex-wrap align-items-center gap-2 draft-note";
      note.setAttribute("role", "status");
      var text = document.createElement("span");
      text.textContent = draft.note;
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-sm btn-outline-dark";
      discard.textContent = messages.draftDiscard;
      discard.addEventListener("click", function () {
        discard.disabled = true;
        postJson(messages.draftsDiscardUrl, form, { key: draft.key }).then(function (data) {
          window.clearTimeout(state.timer);
          state.quiet = true;
          form.reset();
          Array.prototype.forEach.call(form.elements, function (field) {
            if (field.name && field.type !== "hidden") { field.dispatchEvent(new Event("input", { bubbles: true })); }
          });
          state.quiet = false;
          state.sent = JSON.stringify(draftFields(form));
          dirtyForms.delete(form);
          form.classList.remove("restored-form");
          note.remove();
          showStatus(state, data.message || "");
        }, function (error) {
          discard.disabled = false;
          showStatus(state, error.message || messages.draftDiscardFailed, true);
        });
      });
      note.appendChild(text);
      note.appendChild(discard);
      form.insertBefore(note, form.firstChild);
    });
  }
  // A form posted after the session had expired comes back here (hooks.restored_form): put its values back
  // into the form that posted them, open it, and leave sending it to the user. It is newer than any draft.
  var restoredTag = document.getElementById("restored-form");
  if (restoredTag) {
    var restored = JSON.parse(restoredTag.textContent);
    var target = Array.prototype.find.call(document.forms, function (form) {
      return formUrl(form).pathname === restored.action;
    });
    if (target) {
      var targetState = autosaving && autosaving.get(target);
      if (targetState) { targetState.quiet = true; }
      fillForm(target, restored.fields);
      if (targetState) { targetState.quiet = false; }
      revealForm(target);
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
