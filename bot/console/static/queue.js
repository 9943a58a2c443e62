/*
 * Live queue of the staff console: listens to /queue/events (server-sent events) and
 * redraws the tables. Text goes into the page with textContent only (never innerHTML).
 */
"use strict";

(function () {
  const waiting = document.querySelector("#waiting tbody");
  const mine = document.querySelector("#mine tbody");
  const csrf = document.getElementById("waiting").dataset.csrf;

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined || text === "" ? "–" : String(text);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function takeForm(id, label, className) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/handoffs/" + encodeURIComponent(String(id)) + "/take";
    form.className = "inline";
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = csrf;
    const button = document.createElement("button");
    button.type = "submit";
    button.textContent = label;
    if (className) button.className = className;
    form.append(token, button);
    return form;
  }

  function row(entry, isMine) {
    const tr = document.createElement("tr");
    tr.dataset.id = String(entry.id);
    if (!isMine) cell(tr, entry.position, "num");
    cell(tr, entry.team);
    cell(tr, entry.reason);
    cell(tr, entry.service);
    cell(tr, entry.district);
    cell(tr, entry.summary);
    cell(tr, entry.waiting_minutes + " Min.", "num");
    const actions = document.createElement("td");
    if (isMine) {
      const open = document.createElement("a");
      open.className = "button";
      open.href = "/conversations/" + encodeURIComponent(entry.conversation_id);
      open.textContent = "Öffnen";
      actions.append(open, takeForm(entry.id, "Erneut verbinden", "secondary"));
    } else {
      actions.appendChild(takeForm(entry.id, "Übernehmen"));
    }
    tr.appendChild(actions);
    return tr;
  }

  function draw(body, entries, isMine, emptyId) {
    body.replaceChildren(...entries.map((entry) => row(entry, isMine)));
    document.getElementById(emptyId).hidden = entries.length > 0;
  }

  const { source, setState } = window.ConsoleLive.open("/queue/events", "Live – die Liste aktualisiert sich selbst.");
  source.addEventListener("queue", (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    draw(waiting, Array.isArray(data.waiting) ? data.waiting : [], false, "waiting-empty");
    draw(mine, Array.isArray(data.mine) ? data.mine : [], true, "mine-empty");
    document.getElementById("waiting-count").textContent = String((data.waiting || []).length);
    setState("live", "Live – die Liste aktualisiert sich selbst.");
  });
})();
