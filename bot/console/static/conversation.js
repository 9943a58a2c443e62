/*
 * Live transcript of one conversation (server-sent events from .../events) and the reply
 * box (sent with fetch and the X-CSRF-Token header). Text is set with textContent only.
 */
"use strict";

(function () {
  const list = document.getElementById("transcript");
  const form = document.getElementById("reply-form");
  const csrf = list.dataset.csrf;
  let after = Number(list.dataset.after);
  if (!Number.isFinite(after)) after = -1;

  const WHO = { citizen: "Bürger/in", bot: "Assistent", system: "Hinweis" };

  function span(className, text) {
    const node = document.createElement(className === "text" || className === "nlu" || className === "buttons" ? "p" : "span");
    node.className = className;
    node.textContent = text;
    return node;
  }

  function item(turn) {
    const li = document.createElement("li");
    const actor = ["citizen", "bot", "agent", "system"].includes(turn.actor) ? turn.actor : "system";
    li.className = "turn turn--" + actor;
    li.dataset.index = String(turn.index);
    li.append(span("who", actor === "agent" ? String(turn.agent || "Mitarbeiter/in") : WHO[actor]));
    li.append(span("time", String(turn.time || "")));
    li.append(span("text", String(turn.text || "")));
    if (Array.isArray(turn.buttons) && turn.buttons.length) li.append(span("buttons", "Knöpfe: " + turn.buttons.join(" · ")));
    if (actor === "citizen" && turn.intent) {
      const confidence = typeof turn.confidence === "number" ? " (" + turn.confidence.toFixed(2) + ")" : "";
      li.append(span("nlu", "Intent: " + turn.intent + confidence));
    }
    return li;
  }

  const { source, setState } = window.ConsoleLive.open(list.dataset.events + "?after=" + encodeURIComponent(String(after)), "Live – neue Nachrichten erscheinen automatisch.");
  source.addEventListener("turns", (event) => {
    let turns;
    try {
      turns = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!Array.isArray(turns)) return;
    for (const turn of turns) {
      if (typeof turn.index !== "number" || turn.index <= after) continue;
      list.appendChild(item(turn));
      after = turn.index;
    }
    list.lastElementChild && list.lastElementChild.scrollIntoView({ block: "nearest" });
  });
  source.addEventListener("history", (event) => {
    let data = {};
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      data = {};
    }
    if (data.available) setState("live", "Live – neue Nachrichten erscheinen automatisch.");
    else setState("history-down", String(data.message || "Der Verlauf kann gerade nicht geladen werden."));
  });
  source.addEventListener("status", () => {
    source.close();
    setState("ended", "Dieses Gespräch ist nicht mehr bei Ihnen.");
  });

  if (form) {
    const text = document.getElementById("reply-text");
    const error = document.getElementById("reply-error");
    const button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      const body = new URLSearchParams({ text: text.value });
      button.disabled = true;
      try {
        const response = await fetch(form.action, {
          method: "POST",
          headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
          body,
          credentials: "same-origin",
        });
        const data = await response.json().catch(() => ({}));
        if (response.ok && data.ok) {
          text.value = "";
        } else {
          error.textContent = String(data.message || "Die Nachricht wurde nicht gesendet.");
          error.hidden = false;
        }
      } catch (failure) {
        error.textContent = "Keine Verbindung: Die Nachricht wurde nicht gesendet.";
        error.hidden = false;
      } finally {
        button.disabled = false;
        text.focus();
      }
    });
  }
})();
