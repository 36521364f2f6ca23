// The installable app (docs/reminders.md "Offline"): registers the service worker, and lets a
// form marked data-offline-queue="<url>" (the check-in, a session's follow-up) be filled without
// a network. Such an entry is kept in
// this browser (IndexedDB) with the moment it was made, listed at the top of the page as waiting,
// and sent to <url> when the phone is online again. The server saves it once, at that moment.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" });
  }
  if (!window.indexedDB) { return; }

  var DB = "touchdose-offline", STORE = "entries";

  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var tx = opening.result.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      };
    });
  }
  function entries() { return store("readonly", function (s) { return s.getAll(); }); }
  function keep(entry) { return store("readwrite", function (s) { return s.put(entry); }); }
  function drop(id) { return store("readwrite", function (s) { return s.delete(id); }); }

  function statusBox() {
    var box = document.getElementById("offline-status");
    if (!box) {
      box = document.createElement("div");
      box.id = "offline-status";
      box.className = "card offline-status";
      box.setAttribute("role", "status");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    return box;
  }

  function clock(iso) {
    var d = new Date(iso);
    return d.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
  }

  // A form marked data-offline-once (a session's follow-up) is answered once: while its entry
  // waits on this phone the form gives way to a note, so it is not filled in twice.
  function showOnceForms(list) {
    document.querySelectorAll("form[data-offline-once]").forEach(function (form) {
      var url = form.getAttribute("data-offline-queue");
      var waiting = list.some(function (entry) { return entry.url === url; });
      var note = form.parentNode.querySelector("[data-offline-note]");
      if (waiting || note) {
        if (!note) {
          note = document.createElement("p");
          note.className = "card";
          note.setAttribute("data-offline-note", "");
          form.parentNode.insertBefore(note, form.nextSibling);
        }
        note.textContent = waiting ? "Your answer is saved on this phone. It is sent when you are online."
          : "Your answer has been sent. Thank you.";
        form.hidden = true;
      }
    });
  }

  // An entry with a new or unusual symptom ticked (a red flag) was sent: the server answers with
  // the page that shows the safety message now, and this page says so where the person is.
  var flaggedSent = "";
  function showFlagSent() {
    if (!flaggedSent || document.getElementById("offline-flag")) { return; }
    var box = document.createElement("div");
    box.id = "offline-flag";
    box.className = "card";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = "Sent. You ticked something new or unusual: ";
    var link = document.createElement("a");
    link.href = flaggedSent;
    link.textContent = "see what to do";
    text.appendChild(link);
    box.appendChild(text);
    var main = document.getElementById("main") || document.body;
    main.insertBefore(box, main.firstChild);
  }

  function show() {
    return entries().then(function (list) {
      showOnceForms(list);
      showFlagSent();
      var box = statusBox();
      box.hidden = list.length === 0;
      box.textContent = "";
      if (!list.length) { return; }
      var head = document.createElement("p");
      head.textContent = list.length === 1 ? "1 entry is saved on this phone, waiting to be sent:"
        : list.length + " entries are saved on this phone, waiting to be sent:";
      var items = document.createElement("ul");
      list.forEach(function (entry) {
        var li = document.createElement("li");
        li.textContent = entry.what + " made " + clock(entry.made_at) +
          (entry.flagged ? " (you ticked something new: once it is sent, this app shows what to do)" : "") +
          (entry.problem ? " (not sent: " + entry.problem + ")" : "");
        items.appendChild(li);
      });
      var note = document.createElement("p");
      note.className = "muted";
      note.textContent = navigator.onLine ? "Sending now…" : "It will be sent when you are online.";
      box.appendChild(head); box.appendChild(items); box.appendChild(note);
    });
  }

  function currentToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  var sending = false;
  function send() {
    if (!navigator.onLine || sending) { return Promise.resolve(); }
    sending = true;
    return entries().then(function (list) {
      return list.reduce(function (chain, entry) {
        return chain.then(function () {
          var body = new URLSearchParams(entry.fields);
          body.set("made_at", entry.made_at);
          var token = currentToken();
          if (token) { body.set("csrfmiddlewaretoken", token); }
          return fetch(entry.url, {
            method: "POST", body: body, credentials: "same-origin", redirect: "manual",
            headers: { "Accept": "application/json" },
          }).then(function (response) {
            if (response.ok) {
              return response.json().catch(function () { return {}; }).then(function (data) {
                if (data.safety_page) { flaggedSent = data.safety_page; }
                return drop(entry.id);
              });
            }
            return response.json().catch(function () { return {}; }).then(function (data) {
              entry.problem = data.error || (response.status === 403 || response.type === "opaqueredirect"
                ? "log in again to send it" : "the server said no");
              return keep(entry);
            });
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* still offline after all: try again at the next 'online' */ })
      .then(function () { sending = false; return show(); });
  }

  function queue(form, event) {
    if (navigator.onLine) { return; }  // online: the ordinary form post
    event.preventDefault();
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      var input = form.elements[name];
      // A time left as the page showed it means "now": the server takes the moment it was made.
      if (input && input.type === "datetime-local" && input.value === input.defaultValue) { return; }
      if (name !== "csrfmiddlewaretoken") { fields.push([name, String(value)]); }
    });
    keep({
      url: form.getAttribute("data-offline-queue"), fields: fields, made_at: new Date().toISOString(),
      what: form.getAttribute("data-offline-what") || "Check-in",
      flagged: fields.some(function (field) { return field[0] === "red_flags"; }),
    }).then(show).then(function () { form.reset(); window.scrollTo(0, 0); });
  }

  document.querySelectorAll("form[data-offline-queue]").forEach(function (form) {
    form.addEventListener("submit", function (event) { queue(form, event); });
  });
  document.querySelectorAll("form[action$='/accounts/logout/']").forEach(function (form) {
    form.addEventListener("submit", function () {  // the pages kept for offline use leave with you
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("forget-pages");
      }
    });
  });
  window.addEventListener("online", send);
  window.addEventListener("offline", show);
  show().then(send);
})();
