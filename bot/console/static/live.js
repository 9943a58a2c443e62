/*
 * Shared by the console's live pages: opens one server-sent-events stream and keeps the
 * state line (#live-state, attribute data-state) up to date: live, reconnecting, ended.
 */
"use strict";

window.ConsoleLive = {
  open(url, liveText) {
    const state = document.getElementById("live-state");
    const setState = (name, text) => {
      state.dataset.state = name;
      state.textContent = text;
    };
    const source = new EventSource(url);
    source.addEventListener("open", () => setState("live", liveText));
    source.addEventListener("session_ended", () => {
      source.close();
      setState("ended", "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich neu an.");
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) setState("ended", "Keine Live-Verbindung. Bitte laden Sie die Seite neu.");
      else setState("reconnecting", "Verbindung unterbrochen – wird wiederhergestellt …");
    });
    return { source, setState };
  },
};
