/* Tillshare tablet screens: the offline queue, the network banner, auto-lock and the theme.

   Offline queue: adding a line never waits for the network. Each tap makes a line with its
   own UUID (line_id), stores it in localStorage and shows it on the ticket as "not sent yet";
   the queue is then sent in order. The server adds a line once per UUID, so a request whose
   answer was lost is simply sent again. Lines leave the queue when the server answers (any
   answer but a 5xx); the answer is the ticket, which replaces the one on screen.

   Network state: the heartbeat (#stock-state, polled by htmx every 3 s) and every request
   tell whether the server answers. While it does not, a banner says so, "N unsent" counts
   the queue, card payments are disabled ([data-online-only]) and sign-out is refused
   ([data-requires-empty-queue]); when it answers again the queue is sent.

   The heartbeat also carries the 86'd items: tiles ([data-item-id]) are greyed out and
   labelled on every tablet within a poll. */
(function () {
  "use strict";

  var QUEUE_KEY = "tillshare.queue.v1";
  var body = document.body;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var online = true;
  var flushing = false;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* ---- queue storage ---- */
  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(queue) {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    showUnsent(queue.length);
  }
  function showUnsent(count) {
    document.querySelectorAll("[data-unsent-count]").forEach(function (el) { el.textContent = count; });
    var pill = document.querySelector(".net-unsent");
    if (pill) pill.hidden = count === 0;
    if (count === 0) { var blocked = document.getElementById("queue-blocked"); if (blocked) blocked.hidden = true; }
  }

  /* ---- network state ---- */
  function setOnline(value) {
    if (online === value) return;
    online = value;
    body.classList.toggle("is-offline", !online);
    var banner = document.getElementById("net-banner");
    if (banner) banner.hidden = online;
    document.querySelectorAll("[data-online-only]").forEach(function (el) { el.disabled = !online; });
    document.querySelectorAll("[data-offline-note]").forEach(function (el) { el.hidden = online; });
    renderPending();
    if (online) flush();
  }

  document.addEventListener("htmx:sendError", function () { setOnline(false); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status > 0) setOnline(true);
  });
  window.addEventListener("offline", function () { setOnline(false); });

  /* ---- sending the queue ---- */
  function swapTicket(html) {
    var current = document.getElementById("ticket");
    if (!current || !html) return;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#ticket");
    if (!fresh) return;
    current.replaceWith(fresh);
    if (window.htmx) htmx.process(fresh);
  }

  function flush() {
    if (flushing || !online) return;
    var queue = loadQueue();
    if (!queue.length) return;
    flushing = true;
    var entry = queue[0];
    fetch(entry.url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(entry.fields).toString(),
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status === 204 && response.headers.get("HX-Redirect")) {
        // Signed out meanwhile: keep the line, sign in again, it is sent afterwards.
        window.location.href = response.headers.get("HX-Redirect");
        throw new Error("signed out");
      }
      if (response.status >= 500) throw new Error("server error " + response.status);
      return response.text().then(function (html) {
        setOnline(true);
        saveQueue(loadQueue().filter(function (e) { return e.id !== entry.id; }));
        if (String(currentTab()) === String(entry.tab)) swapTicket(html);
        renderPending();
        flushing = false;
        flush();
      });
    }).catch(function () {
      flushing = false;
      setOnline(false);
    });
  }

  /* ---- order screen ---- */
  function ticketEl() { return document.getElementById("ticket"); }
  function currentTab() { var t = ticketEl(); return t ? t.dataset.tab : null; }

  function renderPending() {
    var ticket = ticketEl();
    if (!ticket) return;
    var list = ticket.querySelector(".ticket-lines");
    if (!list) return;
    list.querySelectorAll(".is-pending").forEach(function (el) { el.remove(); });
    loadQueue().forEach(function (entry) {
      if (String(entry.tab) !== String(ticket.dataset.tab)) return;
      var li = document.createElement("li");
      li.className = "ticket-line is-pending";
      li.dataset.pendingId = entry.id;
      var name = document.createElement("span");
      name.className = "line-name";
      name.textContent = "1 × " + entry.label;
      var state = document.createElement("span");
      state.className = "badge badge-warn";
      state.textContent = online ? "◷ Sending" : "◷ Not sent yet";
      li.appendChild(name);
      li.appendChild(state);
      list.appendChild(li);
    });
    var empty = list.querySelector(".ticket-empty");
    if (empty) empty.hidden = list.children.length > 1;
  }

  function queueLine(tile, modifierIds, ageConfirmed, note) {
    var ticket = ticketEl();
    var fields = [
      ["line_id", uuid4()],
      ["item_id", tile.dataset.itemId],
      ["quantity", "1"],
      ["note", note || ""],
      ["age_confirmed", ageConfirmed ? "true" : "false"]
    ];
    modifierIds.forEach(function (id) { fields.push(["modifier_ids", id]); });
    var queue = loadQueue();
    queue.push({ id: fields[0][1], url: ticket.dataset.addUrl, fields: fields, tab: ticket.dataset.tab, label: tile.dataset.name });
    saveQueue(queue);
    renderPending();
    flush();
  }

  function ageChecked(ticket) {
    // The server's word (the ticket), or a confirmation still waiting in the queue.
    if (ticket.dataset.ageChecked === "1") return true;
    return loadQueue().some(function (entry) {
      return String(entry.tab) === String(ticket.dataset.tab) && entry.fields.some(function (f) {
        return f[0] === "age_confirmed" && f[1] === "true";
      });
    });
  }

  function withAgeCheck(tile, then) {
    var ticket = ticketEl();
    if (!Number(tile.dataset.minAge) || ageChecked(ticket)) return then(false);
    var dialog = document.getElementById("age-dialog");
    dialog.querySelector("[data-age]").textContent = tile.dataset.minAge;
    dialog.returnValue = "";
    dialog.onclose = function () {
      if (dialog.returnValue !== "confirm") return;
      ticket.dataset.ageChecked = "1";
      then(true);
    };
    dialog.showModal();
  }

  function setAskOptions(on) {
    body.classList.toggle("ask-options", on);
    document.querySelectorAll("[data-ask-options]").forEach(function (b) { b.setAttribute("aria-pressed", String(on)); });
  }

  function withModifiers(tile, then) {
    var ask = body.classList.contains("ask-options");
    if (tile.dataset.required !== "1" && !ask) return then([], "");
    setAskOptions(false);
    var dialog = document.getElementById("mods-dialog");
    var template = document.getElementById("mods-" + tile.dataset.itemId);
    var form = dialog.querySelector("form");
    var slot = dialog.querySelector("[data-mods-slot]");
    dialog.querySelector("[data-mods-title]").textContent = tile.dataset.name;
    slot.replaceChildren();
    if (template) slot.appendChild(template.content.cloneNode(true));
    var noteInput = dialog.querySelector("[name=note]");
    if (noteInput) noteInput.value = "";
    var error = dialog.querySelector("[data-mods-error]");
    error.hidden = true;
    form.onsubmit = function (event) {
      if (event.submitter && event.submitter.value === "cancel") return;
      var missing = [];
      slot.querySelectorAll("fieldset[data-min]").forEach(function (set) {
        var chosen = Array.prototype.filter.call(set.querySelectorAll("input:checked"), function (i) { return i.value; }).length;
        if (chosen < Number(set.dataset.min) || chosen > Number(set.dataset.max)) missing.push(set.dataset.group);
      });
      if (missing.length) {
        event.preventDefault();
        error.textContent = "Choose: " + missing.join(", ");
        error.hidden = false;
        return;
      }
      var ids = Array.prototype.map.call(slot.querySelectorAll("input:checked"), function (i) { return i.value; })
        .filter(Boolean);
      var note = (dialog.querySelector("[name=note]") || {}).value || "";
      dialog.onclose = function () { then(ids, note); };
    };
    dialog.onclose = null;
    dialog.showModal();
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-ask-options]");
    if (toggle) return setAskOptions(!body.classList.contains("ask-options"));
    var again = event.target.closest("[data-add-again]");
    if (again) {
      var mods = (again.dataset.mods || "").split(",").filter(Boolean);
      return queueLine(again, mods, false, again.dataset.note || "");
    }
    var tile = event.target.closest(".tile[data-item-id]");
    if (!tile) return;
    if (body.classList.contains("stock-mode")) {
      var out = !tile.classList.contains("is-86");
      fetch(tile.dataset.stockUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
        body: "out_of_stock=" + out,
        credentials: "same-origin"
      }).then(function (r) { return r.text(); }).then(function (html) { applyStock(html); })
        .catch(function () { setOnline(false); });
      return;
    }
    if (tile.classList.contains("is-86")) return;
    withModifiers(tile, function (ids, note) {
      withAgeCheck(tile, function (confirmed) { queueLine(tile, ids, confirmed, note); });
    });
  });

  /* ---- 86'd items ---- */
  function applyStockState(state) {
    if (!state) return;
    var out = (state.dataset.out || "").split(",").filter(Boolean);
    var stockMode = body.classList.contains("stock-mode");
    document.querySelectorAll(".tile[data-item-id]").forEach(function (tile) {
      var is86 = out.indexOf(tile.dataset.itemId) !== -1;
      tile.classList.toggle("is-86", is86);
      tile.disabled = is86 && !stockMode;
      tile.setAttribute("aria-pressed", stockMode ? String(is86) : "false");
      if (!stockMode) tile.removeAttribute("aria-pressed");
    });
  }
  function applyStock(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#stock-state");
    var current = document.getElementById("stock-state");
    if (fresh && current) { current.replaceWith(fresh); htmx.process(fresh); }
    applyStockState(fresh);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt && event.detail.elt.id === "stock-state") applyStockState(event.detail.elt);
    if (event.target && event.target.id === "ticket") renderPending();
    var ticket = ticketEl();
    if (ticket && event.target && ticket.contains(event.target)) renderPending();
  });
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-stock-mode]");
    if (!toggle) return;
    var on = !body.classList.contains("stock-mode");
    body.classList.toggle("stock-mode", on);
    toggle.setAttribute("aria-pressed", String(on));
    var hint = document.getElementById("stock-hint");
    if (hint) hint.hidden = !on;
    applyStockState(document.getElementById("stock-state"));
  });

  /* ---- sign-out blocked while lines are unsent ---- */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-requires-empty-queue]") || !loadQueue().length) return;
    event.preventDefault();
    var blocked = document.getElementById("queue-blocked");
    if (blocked) blocked.hidden = false;
  }, true);

  /* ---- auto-lock after inactivity (not while lines are unsent) ---- */
  var lockAfter = Number(body.dataset.lockAfter || 0) * 1000;
  var lockTimer = null;
  function armLock() {
    if (!lockAfter) return;
    clearTimeout(lockTimer);
    lockTimer = setTimeout(function () {
      var form = document.getElementById("lock-form");
      if (!form) return;
      if (loadQueue().length) return armLock();
      form.submit();
    }, lockAfter);
  }
  ["pointerdown", "keydown"].forEach(function (name) { document.addEventListener(name, armLock, true); });
  armLock();

  /* ---- theme ---- */
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var dark = document.documentElement.dataset.theme !== "dark";
    document.documentElement.dataset.theme = dark ? "dark" : "light";
    document.cookie = "ui_theme=" + (dark ? "dark" : "light") + "; path=/; max-age=31536000; SameSite=Lax";
    button.setAttribute("aria-pressed", String(dark));
  });

  /* ---- fresh client UUIDs for forms that are used again after a success ---- */
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || !form || form.tagName !== "FORM") return;
    form.querySelectorAll("input[data-client-uuid]").forEach(function (input) { input.value = uuid4(); });
  });

  /* ---- confirmation of money-moving actions ---- */
  function askFirst(message, then) {
    var dialog = document.getElementById("confirm-dialog");
    dialog.querySelector("#confirm-text").textContent = message;
    dialog.returnValue = "";
    dialog.onclose = function () { if (dialog.returnValue === "yes") then(); };
    dialog.showModal();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (!button || button.dataset.confirmed === "1") return;
    event.preventDefault();
    var amount = document.getElementById("pay-amount");
    var message = button.dataset.confirm.replace("{amount}", amount ? "$" + amount.value : "");
    askFirst(message, function () {
      button.dataset.confirmed = "1";
      button.click();
      button.dataset.confirmed = "";
    });
  }, true);
  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;
    event.preventDefault();
    var amount = document.getElementById("pay-amount");
    var message = event.detail.question.replace("{amount}", amount ? "$" + amount.value : "");
    askFirst(message, function () { event.detail.issueRequest(true); });
  });

  /* ---- print, card reader wait and cancel ---- */
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) return window.print();
    var fill = event.target.closest("[data-fill-amount]");
    if (fill) {
      var field = document.getElementById("pay-amount");
      field.value = fill.dataset.fillAmount;
      field.focus();
    }
    var abort = event.target.closest("[data-abort]");
    if (abort) htmx.trigger(document.querySelector(abort.dataset.abort), "htmx:abort");
  });
  function waitingFor(form, on) {
    if (!form || !form.dataset || !form.dataset.waiting) return;
    var box = document.getElementById(form.dataset.waiting);
    if (box) box.hidden = !on;
  }
  document.addEventListener("htmx:beforeRequest", function (event) { waitingFor(event.detail.elt, true); });
  document.addEventListener("htmx:afterRequest", function (event) { waitingFor(event.detail.elt, false); });
  document.addEventListener("htmx:abort", function (event) { waitingFor(event.target, false); });

  /* ---- a polling refresh waits while someone fills in a form inside it (no eval: CSP) ---- */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var polling = event.detail.elt;
    if (!polling || !polling.hasAttribute || !polling.hasAttribute("data-pause-while-editing")) return;
    var form = document.activeElement && document.activeElement.closest("form");
    if (form && polling.contains(form)) event.preventDefault();
  });

  /* ---- a cash count adds itself up as it is typed (the server counts again) ---- */
  function countTotal(fieldset) {
    var cents = 0;
    fieldset.querySelectorAll("input[data-cents]").forEach(function (input) {
      var pieces = /^[0-9]+$/.test(input.value) ? parseInt(input.value, 10) : 0;
      cents += pieces * parseInt(input.dataset.cents, 10);
    });
    var dollars = Math.floor(cents / 100).toLocaleString("en-US");
    fieldset.querySelector("[data-count-total]").value =
      "$" + dollars + "." + String(cents % 100).padStart(2, "0");
  }
  document.addEventListener("input", function (event) {
    var fieldset = event.target.closest && event.target.closest("[data-count]");
    if (fieldset) countTotal(fieldset);
  });
  document.querySelectorAll("[data-count]").forEach(countTotal);

  window.Tillshare = { queue: loadQueue, flush: flush, uuid4: uuid4, isOnline: function () { return online; } };
  showUnsent(loadQueue().length);
  renderPending();
  applyStockState(document.getElementById("stock-state"));
  flush();
})();
