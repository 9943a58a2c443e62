/*
 * Bürgerservice-Chat der Stadt Stuttgart — web chat widget for the Rasa socket.io channel.
 *
 * Embedding (one script tag, one config object):
 *
 *   <script type="application/json" id="stuttgart-webchat-config">
 *     {"serverUrl": "https://chat.example.de", "title": "Bürgerservice-Chat", "language": "de"}
 *   </script>
 *   <script src="https://chat.example.de/webchat/webchat.js" defer></script>
 *
 * (or set `window.StuttgartWebchatConfig = {...}` before the script on pages that allow
 * inline scripts). Keys: serverUrl (required), title, language ("de" | "en"),
 * socketPath ("/socket.io/"), privacyUrl, sessionMinutes (60), retentionDays (named in the
 * privacy notice when set).
 *
 * Security: every text from the citizen or the bot is rendered with textContent. Only
 * http(s) URLs become links (rel="noopener noreferrer"). No innerHTML anywhere.
 *
 * Built by build.mjs together with the socket.io client (npm) into dist/webchat.js;
 * `io` is the client's factory, in scope here and not a global.
 */

"use strict";

const VERSION = "1.0.0";
const STORAGE_PREFIX = "stuttgart-webchat:";
const MAX_MESSAGE_LENGTH = 2000;
const SVG_NS = "http://www.w3.org/2000/svg";
// Icons: Material Design Icons "chat_bubble" and "thumb_up" (Apache License 2.0).
const ICON_CHAT = "M20 2H4c-1.1 0-2 .9-2 2v18l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z";
const ICON_THUMB =
  "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 " +
  "7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z";
// A markdown link "[stuttgart.de](https://…)" (a source named after its site) or a bare URL.
const URL_IN_TEXT = /\[([^\[\]\n]{1,80})\]\((https?:\/\/[^\s()<>"']+)\)|https?:\/\/[^\s<>"']+/g;

const STRINGS = {
  de: {
    title: "Bürgerservice-Chat",
    launcher: "Chat: Fragen an die Stadt",
    close: "Chat schließen",
    greeting:
      "Guten Tag! Ich bin der digitale Assistent der Stadt Stuttgart. Ich beantworte Fragen zu " +
      "Bürgerbüros, Ausländerbehörde, Kfz und Führerschein, Fundbüro, Bewohnerparken und zu " +
      "Leistungen des Sozialamts – zum Beispiel: „Was kostet ein Personalausweis?“",
    privacyTitle: "Hinweis zum Datenschutz",
    privacy: (minutes, days) =>
      "Bitte geben Sie keine persönlichen Daten ein, also keinen Namen, keine Adresse, kein " +
      "Geburtsdatum und kein Aktenzeichen. Gespeichert werden Ihre Nachrichten, die Antworten " +
      "und Ihre Bewertungen der Antworten – auf Servern der Stadt, ohne externe Dienste. " +
      (days ? `Nach ${days} Tagen werden sie gelöscht. ` : "") +
      `Nach ${minutes} Minuten ohne Nachricht beginnt ein neues Gespräch. In diesem Browser-Tab ` +
      "bleibt der Verlauf sichtbar, bis Sie den Tab schließen.",
    privacyLink: "Datenschutzerklärung",
    messages: "Chatverlauf",
    you: "Sie:",
    bot: "Assistent:",
    agent: (name) => `Mitarbeiter/in: ${name}`,
    inputLabel: "Ihre Frage",
    placeholder: "z. B. Was kostet ein Reisepass?",
    send: "Senden",
    human: "Mit einem Menschen sprechen",
    typing: "Der Assistent schreibt",
    replies: "Antwortvorschläge",
    links: "Links zur Antwort",
    newWindow: "(öffnet in neuem Fenster)",
    feedback: "War diese Antwort hilfreich?",
    helpful: "Hilfreich",
    notHelpful: "Nicht hilfreich",
    feedbackThanks: "Danke für Ihre Rückmeldung.",
    feedbackFailed: "Ihre Rückmeldung konnte nicht gespeichert werden.",
    connecting: "Verbindung wird aufgebaut …",
    reconnecting: "Verbindung unterbrochen – sie wird wiederhergestellt …",
    unreachable:
      "Der Chat ist im Moment nicht erreichbar. Wir versuchen es weiter. Sie erreichen die " +
      "Stadt Stuttgart auch telefonisch über die Behördennummer 115.",
    notSent: "Keine Verbindung: Ihre Nachricht wurde nicht gesendet. Bitte versuchen Sie es gleich noch einmal.",
    noAnswer: "Die Antwort dauert ungewöhnlich lange. Bitte versuchen Sie es noch einmal.",
  },
  en: {
    title: "Citizen service chat",
    launcher: "Chat: ask the city",
    close: "Close chat",
    greeting:
      "Hello! I am the digital assistant of the City of Stuttgart. I answer questions about the " +
      "citizens' offices, the foreigners' authority, vehicles and driving licences, lost property, " +
      "resident parking and social welfare services. My answers are in German.",
    privacyTitle: "Privacy notice",
    privacy: (minutes, days) =>
      "Please do not enter personal data such as your name, address, date of birth or file " +
      "number. Your messages, the answers and your ratings are stored on the city's servers, " +
      "without external services. " + (days ? `They are deleted after ${days} days. ` : "") +
      `After ${minutes} minutes without a message a new conversation ` +
      "starts. The history stays visible in this browser tab until you close it.",
    privacyLink: "Privacy policy",
    messages: "Conversation",
    you: "You:",
    bot: "Assistant:",
    agent: (name) => `Staff member: ${name}`,
    inputLabel: "Your question",
    placeholder: "e.g. Was kostet ein Reisepass?",
    send: "Send",
    human: "Talk to a person",
    typing: "The assistant is typing",
    replies: "Suggested answers",
    links: "Links for this answer",
    newWindow: "(opens in a new window)",
    feedback: "Was this answer helpful?",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    feedbackThanks: "Thank you for your feedback.",
    feedbackFailed: "Your feedback could not be saved.",
    connecting: "Connecting …",
    reconnecting: "Connection lost – reconnecting …",
    unreachable:
      "The chat cannot be reached at the moment. We keep trying. You can also call the " +
      "City of Stuttgart on the public service number 115.",
    notSent: "No connection: your message was not sent. Please try again in a moment.",
    noAnswer: "The answer is taking unusually long. Please try again.",
  },
};

/** The URL if it is an absolute http(s) URL, else null. */
function safeUrl(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (error) {
    return null;
  }
}

/** The staff member's name of a message written in the staff console (metadata.agent), or null. */
function agentName(message) {
  const name = message && message.metadata && message.metadata.agent;
  return typeof name === "string" && name.trim() ? name.trim().slice(0, 80) : null;
}

/** An element with a class and optional text (always textContent). */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function icon(path, className) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  if (className) svg.setAttribute("class", className);
  const shape = document.createElementNS(SVG_NS, "path");
  shape.setAttribute("d", path);
  svg.appendChild(shape);
  return svg;
}

function hiddenText(text) {
  return el("span", "wc-visually-hidden", text);
}

/** A link that opens in a new tab without access to this page. */
function link(href, text, t) {
  const anchor = el("a", "wc-link");
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer";
  anchor.appendChild(document.createTextNode(text));
  anchor.appendChild(hiddenText(` ${t.newWindow}`));
  return anchor;
}

/** Text with its http(s) URLs and "[name](url)" links as links; everything else stays text. */
function appendTextWithLinks(parent, text, t) {
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    let raw = match[2] || match[0];
    let label = match[1] || null;
    let length = match[0].length;
    if (!label) {
      const trailing = raw.match(/[.,;:!?)\]]+$/);
      if (trailing) raw = raw.slice(0, -trailing[0].length);
      length = raw.length;
    }
    const href = safeUrl(raw);
    if (!href) continue;
    parent.appendChild(document.createTextNode(text.slice(last, match.index)));
    parent.appendChild(link(href, label || raw, t));
    last = match.index + length;
  }
  parent.appendChild(document.createTextNode(text.slice(last)));
}

const storage = {
  get(key) {
    try {
      return window.sessionStorage.getItem(STORAGE_PREFIX + key);
    } catch (error) {
      return null;
    }
  },
  set(key, value) {
    try {
      window.sessionStorage.setItem(STORAGE_PREFIX + key, value);
    } catch (error) {
      /* private mode: the conversation lasts as long as the page */
    }
  },
};

function readConfig() {
  if (window.StuttgartWebchatConfig && typeof window.StuttgartWebchatConfig === "object") {
    return window.StuttgartWebchatConfig;
  }
  const element = document.getElementById("stuttgart-webchat-config");
  if (!element) return null;
  try {
    return JSON.parse(element.textContent);
  } catch (error) {
    console.error("stuttgart-webchat: the config is not valid JSON", error);
    return null;
  }
}

class Webchat {
  constructor(config, stylesheetUrl) {
    const language = STRINGS[config.language] ? config.language : "de";
    this.t = STRINGS[language];
    this.language = language;
    this.serverUrl = safeUrl(config.serverUrl);
    this.socketPath = typeof config.socketPath === "string" ? config.socketPath : "/socket.io/";
    this.title = typeof config.title === "string" && config.title.trim() ? config.title.trim() : this.t.title;
    this.privacyUrl = safeUrl(config.privacyUrl);
    this.sessionMinutes = Number.isFinite(config.sessionMinutes) ? config.sessionMinutes : 60;
    this.retentionDays = Number.isInteger(config.retentionDays) && config.retentionDays > 0 ? config.retentionDays : null;
    this.sessionId = storage.get("session");
    this.socket = null;
    this.state = "idle"; // idle | connecting | connected | reconnecting | unreachable
    this.everConnected = false;
    this.failures = 0;
    this.awaitingHistory = false;
    this.buffered = [];
    this.shownIds = new Set();
    this.userSinceLastBot = 0;
    this.typingTimer = null;
    this.reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.build(stylesheetUrl);
    if (storage.get("open") === "1") this.open(false);
  }

  // ---------------------------------------------------------------- DOM
  build(stylesheetUrl) {
    const t = this.t;
    this.host = el("div");
    this.host.id = "stuttgart-webchat";
    const root = this.host.attachShadow({ mode: "open" });
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = stylesheetUrl;
    root.appendChild(style);

    const wrapper = el("div", "wc");
    wrapper.lang = this.language;
    root.appendChild(wrapper);

    this.launcher = el("button", "wc-launcher");
    this.launcher.type = "button";
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.setAttribute("aria-controls", "wc-panel");
    this.launcher.append(icon(ICON_CHAT, "wc-icon"), el("span", null, t.launcher));
    this.launcher.addEventListener("click", () => this.open(true));

    this.panel = el("section", "wc-panel");
    this.panel.id = "wc-panel";
    this.panel.hidden = true;
    this.panel.setAttribute("role", "dialog");
    this.panel.setAttribute("aria-modal", "false");
    this.panel.setAttribute("aria-labelledby", "wc-title");
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close(true);
      }
    });

    const header = el("div", "wc-header");
    const heading = el("h2", "wc-title", this.title);
    heading.id = "wc-title";
    this.closeButton = el("button", "wc-close");
    this.closeButton.type = "button";
    this.closeButton.append(el("span", "wc-close-mark", "×"), hiddenText(t.close));
    this.closeButton.title = t.close;
    this.closeButton.addEventListener("click", () => this.close(true));
    header.append(heading, this.closeButton);

    this.body = el("div", "wc-body");
    const intro = el("div", "wc-intro");
    intro.appendChild(el("p", "wc-greeting", t.greeting));
    const privacy = el("div", "wc-privacy");
    privacy.appendChild(el("h3", "wc-privacy-title", t.privacyTitle));
    const privacyText = el("p", null, t.privacy(this.sessionMinutes, this.retentionDays));
    if (this.privacyUrl) {
      privacyText.append(" ", link(this.privacyUrl, t.privacyLink, t));
    }
    privacy.appendChild(privacyText);
    intro.appendChild(privacy);
    this.list = el("ol", "wc-messages");
    this.list.setAttribute("aria-label", t.messages);
    this.typing = el("p", "wc-typing");
    this.typing.hidden = true;
    this.typing.append(el("span", null, t.typing), el("span", "wc-dots", "…"));
    this.body.append(intro, this.list, this.typing);

    this.status = el("p", "wc-status");
    this.status.setAttribute("role", "status");
    this.status.hidden = true;

    const actions = el("div", "wc-actions");
    this.humanButton = el("button", "wc-human", t.human);
    this.humanButton.type = "button";
    this.humanButton.addEventListener("click", () => this.send("/request_human", t.human));
    actions.appendChild(this.humanButton);

    this.form = el("form", "wc-form");
    this.form.noValidate = true;
    const label = el("label", "wc-label", t.inputLabel);
    label.htmlFor = "wc-input";
    const row = el("div", "wc-row");
    this.input = el("input", "wc-input");
    this.input.id = "wc-input";
    this.input.type = "text";
    this.input.maxLength = MAX_MESSAGE_LENGTH;
    this.input.autocomplete = "off";
    this.input.placeholder = t.placeholder;
    this.input.setAttribute("enterkeyhint", "send");
    const sendButton = el("button", "wc-send", t.send);
    sendButton.type = "submit";
    row.append(this.input, sendButton);
    this.form.append(label, row);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (text && this.send(text)) this.input.value = "";
      this.input.focus();
    });

    // Screen readers hear new answers and notices from here (the list itself is not live,
    // so showing the history again after a reload is not read out).
    this.live = el("div", "wc-visually-hidden");
    this.live.setAttribute("aria-live", "polite");
    this.live.setAttribute("aria-relevant", "additions");

    this.panel.append(header, this.body, this.status, actions, this.form, this.live);
    wrapper.append(this.launcher, this.panel);
    document.body.appendChild(this.host);

    document.addEventListener("click", (event) => {
      const opener = event.target instanceof Element && event.target.closest("[data-stuttgart-webchat-open]");
      if (opener) {
        event.preventDefault();
        this.open(true);
      }
    });
  }

  open(focus) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    storage.set("open", "1");
    this.connect();
    if (focus) this.input.focus();
    this.scrollToEnd();
  }

  close(focus) {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    storage.set("open", "0");
    if (focus) this.launcher.focus();
  }

  announce(text) {
    const line = el("p", null, text);
    this.live.appendChild(line);
    while (this.live.childNodes.length > 3) this.live.removeChild(this.live.firstChild);
  }

  setState(state) {
    this.state = state;
    const text = { connecting: this.t.connecting, reconnecting: this.t.reconnecting, unreachable: this.t.unreachable }[state];
    this.status.hidden = !text;
    this.status.textContent = text || "";
    this.status.classList.toggle("wc-status--error", state === "unreachable");
    this.panel.dataset.state = state;
  }

  /** The element that scrolls: the message area, or the whole panel on small screens. */
  scroller() {
    return getComputedStyle(this.body).overflowY === "auto" ? this.body : this.panel;
  }

  scrollTo(top) {
    const scroller = this.scroller();
    scroller.scrollTo({ top: Math.max(0, top), behavior: this.reduceMotion ? "auto" : "smooth" });
  }

  scrollToEnd() {
    if (this.panel.hidden) return;
    this.scrollTo(this.scroller().scrollHeight);
  }

  /** Show a new answer: all of it, or from its start when it is taller than the chat. */
  reveal(item) {
    if (this.panel.hidden) return;
    const scroller = this.scroller();
    const top = item.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
    const margin = 8;
    if (item.offsetHeight + 2 * margin > scroller.clientHeight) this.scrollTo(top - margin);
    else this.scrollTo(top + item.offsetHeight + margin - scroller.clientHeight);
  }

  // ---------------------------------------------------------------- socket
  connect() {
    if (this.socket) return;
    if (!this.serverUrl || typeof io !== "function") {
      this.setState("unreachable");
      return;
    }
    this.setState("connecting");
    this.socket = io(this.serverUrl, {
      path: this.socketPath,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10000,
      timeout: 10000,
    });
    this.socket.on("connect", () => {
      this.socket.emit("session_request", { session_id: this.sessionId });
    });
    this.socket.on("session_confirm", (data) => this.onSessionConfirm(data));
    this.socket.on("bot_uttered", (message) => this.onBotMessage(message));
    this.socket.on("disconnect", (reason) => {
      if (reason !== "io client disconnect") this.setState(this.everConnected ? "reconnecting" : "connecting");
    });
    this.socket.on("connect_error", () => {
      this.failures += 1;
      if (!this.everConnected || this.failures >= 3) this.setState("unreachable");
      else this.setState("reconnecting");
    });
  }

  onSessionConfirm(data) {
    const id = data && typeof data === "object" ? data.session_id : data;
    if (typeof id !== "string" || !id) return;
    if (this.sessionId && this.sessionId !== id) this.resetMessages();
    this.sessionId = id;
    storage.set("session", id);
    this.everConnected = true;
    this.failures = 0;
    this.setState("connected");
    this.awaitingHistory = true;
    this.socket.timeout(10000).emit("history_request", { session_id: id }, (error, reply) => {
      this.awaitingHistory = false;
      if (!error && reply && Array.isArray(reply.messages)) this.mergeHistory(reply.messages);
      const buffered = this.buffered;
      this.buffered = [];
      buffered.forEach((message) => this.onBotMessage(message));
    });
  }

  resetMessages() {
    this.list.replaceChildren();
    this.shownIds.clear();
    this.userSinceLastBot = 0;
  }

  /** Show the history items that are not on screen yet (after a reload or a dropped connection). */
  mergeHistory(items) {
    // The screen ends after the last answer it shows; the citizen's messages typed after
    // that answer are on screen already.
    let start = 0;
    for (let index = items.length - 1; index >= 0; index -= 1) {
      const item = items[index];
      const id = item && item.metadata && item.metadata.message_id;
      if (item && item.sender === "bot" && id && this.shownIds.has(id)) {
        start = index + 1;
        break;
      }
    }
    if (start === 0 && this.shownIds.size > 0) return; // nothing in common: keep the screen
    let pendingUser = this.userSinceLastBot;
    for (const item of items.slice(start)) {
      if (!item || typeof item !== "object") continue;
      if (item.sender === "user") {
        if (pendingUser > 0) pendingUser -= 1;
        else this.renderUser(String(item.text || ""));
      } else if (item.sender === "bot") {
        this.renderBot(item, { rating: item.rating });
      }
    }
    this.hideOldReplies();
    this.scrollToEnd();
  }

  send(text, displayText) {
    if (!this.socket || this.state !== "connected" || !this.sessionId) {
      this.announce(this.t.notSent);
      this.status.hidden = false;
      this.status.textContent = this.t.notSent;
      return false;
    }
    const message = { message: text.slice(0, MAX_MESSAGE_LENGTH), session_id: this.sessionId };
    if (displayText) message.metadata = { display_text: displayText };
    this.socket.emit("user_uttered", message);
    this.removeReplies();
    this.renderUser(displayText || text);
    this.showTyping();
    this.scrollToEnd();
    return true;
  }

  onBotMessage(message) {
    if (!message || typeof message !== "object") return;
    if (this.awaitingHistory) {
      this.buffered.push(message);
      return;
    }
    const id = message.metadata && message.metadata.message_id;
    if (id && this.shownIds.has(id)) return;
    const hasButtons = Array.isArray(message.quick_replies) || Array.isArray(message.buttons);
    if (typeof message.text !== "string" && !hasButtons) return; // images, cards: not used by this bot
    this.hideTyping();
    const item = this.renderBot(message, {});
    this.hideOldReplies();
    const text = typeof message.text === "string" ? message.text : "";
    const agent = agentName(message);
    if (text) this.announce(`${agent ? this.t.agent(agent) + ":" : this.t.bot} ${text}`);
    this.reveal(item);
    return item;
  }

  showTyping() {
    this.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.hideTyping();
      this.announce(this.t.noAnswer);
    }, 45000);
  }

  hideTyping() {
    this.typing.hidden = true;
    clearTimeout(this.typingTimer);
  }

  // ---------------------------------------------------------------- messages
  renderUser(text) {
    const item = el("li", "wc-msg wc-msg--user");
    item.append(hiddenText(`${this.t.you} `), el("p", "wc-text", text));
    this.list.appendChild(item);
    this.userSinceLastBot += 1;
    return item;
  }

  renderBot(message, { rating }) {
    const t = this.t;
    const agent = agentName(message);
    const item = el("li", agent ? "wc-msg wc-msg--bot wc-msg--agent" : "wc-msg wc-msg--bot");
    // A person from the staff console wrote this: say so, visibly (text only).
    if (agent) item.appendChild(el("p", "wc-agent", t.agent(agent)));
    else item.appendChild(hiddenText(`${t.bot} `));
    const text = el("p", "wc-text");
    appendTextWithLinks(text, typeof message.text === "string" ? message.text : "", t);
    item.appendChild(text);

    const buttons = [].concat(
      Array.isArray(message.quick_replies) ? message.quick_replies : [],
      Array.isArray(message.buttons) ? message.buttons : [],
    );
    const links = el("ul", "wc-links");
    links.setAttribute("aria-label", t.links);
    const replies = el("div", "wc-replies");
    replies.setAttribute("role", "group");
    replies.setAttribute("aria-label", t.replies);
    for (const button of buttons) {
      if (!button || typeof button.title !== "string") continue;
      if (button.url !== undefined || button.type === "web_url") {
        const href = safeUrl(button.url);
        if (!href) continue;
        const entry = el("li");
        const anchor = link(href, button.title, t);
        anchor.classList.add("wc-link-button");
        entry.appendChild(anchor);
        links.appendChild(entry);
      } else if (typeof button.payload === "string") {
        const reply = el("button", "wc-reply", button.title);
        reply.type = "button";
        reply.addEventListener("click", () => {
          if (this.send(button.payload, button.title)) this.input.focus();
        });
        replies.appendChild(reply);
      }
    }
    if (links.childElementCount) item.appendChild(links);
    if (replies.childElementCount) item.appendChild(replies);

    const id = message.metadata && typeof message.metadata.message_id === "string" ? message.metadata.message_id : null;
    if (id) {
      this.shownIds.add(id);
      if (!agent) item.appendChild(this.feedbackGroup(id, rating)); // ratings are for the bot's answers
    }
    this.list.appendChild(item);
    this.userSinceLastBot = 0;
    return item;
  }

  feedbackGroup(id, rating) {
    const t = this.t;
    const group = el("div", "wc-feedback");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t.feedback);
    const note = el("span", "wc-feedback-note");
    const choices = [
      ["up", t.helpful, "wc-thumb"],
      ["down", t.notHelpful, "wc-thumb wc-thumb--down"],
    ];
    const buttons = choices.map(([value, label, iconClass]) => {
      const button = el("button", "wc-rate");
      button.type = "button";
      button.dataset.rating = value;
      button.title = label;
      button.setAttribute("aria-pressed", String(rating === value));
      button.append(icon(ICON_THUMB, iconClass), hiddenText(label));
      button.addEventListener("click", () => this.rate(id, value, buttons, note));
      return button;
    });
    group.append(...buttons, note);
    return group;
  }

  rate(id, rating, buttons, note) {
    if (!this.socket || this.state !== "connected") {
      note.textContent = this.t.feedbackFailed;
      this.announce(this.t.feedbackFailed);
      return;
    }
    this.socket.timeout(10000).emit("feedback", { session_id: this.sessionId, message_id: id, rating }, (error, reply) => {
      const ok = !error && reply && reply.ok === true;
      if (ok) buttons.forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.rating === rating)));
      note.textContent = ok ? this.t.feedbackThanks : this.t.feedbackFailed;
      this.announce(note.textContent);
    });
  }

  /** Quick replies answer the latest message only. */
  hideOldReplies() {
    this.list.querySelectorAll(".wc-replies").forEach((group) => {
      if (group.closest(".wc-msg") !== this.list.lastElementChild) group.remove();
    });
  }

  removeReplies() {
    this.list.querySelectorAll(".wc-replies").forEach((group) => group.remove());
  }
}

function start() {
  if (window.StuttgartWebchat && window.StuttgartWebchat.version) return; // loaded twice
  const config = readConfig();
  if (!config) {
    console.error("stuttgart-webchat: no config (#stuttgart-webchat-config or window.StuttgartWebchatConfig)");
    return;
  }
  const chat = new Webchat(config, new URL("webchat.css", SCRIPT_URL).href);
  window.StuttgartWebchat = Object.freeze({
    version: VERSION,
    open: () => chat.open(true),
    close: () => chat.close(true),
  });
}

const SCRIPT_URL = (document.currentScript && document.currentScript.src) || window.location.href;
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
