// The participant's phone: joins, follows the session by long-polling its state, and draws the
// open touchpoints and the ideas. Text goes in through textContent only, never as HTML.
"use strict";

(function () {
  const room = document.getElementById("room");
  if (!room) return;
  const code = room.dataset.code;
  const api = "/api/v1/workshops/" + encodeURIComponent(code);
  const statusLine = document.getElementById("status");
  let csrf = "";
  let version = null;
  let current = null;

  function el(tag, props, children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  async function call(method, path, body) {
    const headers = { "X-CSRF-Token": csrf };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(api + path, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const problem = new Error(data.error || "Something went wrong; try again.");
      problem.status = response.status;
      throw problem;
    }
    return data;
  }

  function say(text) {
    statusLine.textContent = text;
  }

  function stopped(message) {
    room.replaceChildren(el("h1", { textContent: "Workshop ended" }), el("p", { className: "notice", textContent: message }));
  }

  function scoreCard(item, scale) {
    const chosen = item.your_score;
    const note = el("p", { className: "confirm", role: "status" });
    note.setAttribute("aria-live", "polite");
    note.textContent = chosen ? "Your score: " + chosen + " ✓ saved" : "Not scored yet. Skip it if you have no view.";
    const buttons = scale.map((point) => {
      const button = el("button", { type: "button", className: "point", textContent: point });
      button.setAttribute("aria-pressed", String(point === chosen));
      button.addEventListener("click", () => vote(item, point === chosen ? null : point, note));
      return button;
    });
    const group = el("div", { className: "points" }, buttons);
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Your score for " + item.name + " (tap your score again to take it back)");
    const parts = [el("h3", { textContent: item.name })];
    if (item.standard) parts.push(el("p", { className: "standard", textContent: "Standard: " + item.standard }));
    parts.push(group, note);
    return el("article", { className: "card", id: "tp-" + item.id }, parts);
  }

  async function vote(item, point, note) {
    note.textContent = "Saving…";
    try {
      const path = "/votes/" + item.id;
      const saved = point === null ? await call("DELETE", path) : await call("PUT", path, { answer: point });
      item.your_score = saved.answer;
      const card = document.getElementById("tp-" + item.id);
      if (card) card.replaceWith(scoreCard(item, current.scale));
    } catch (problem) {
      note.textContent = problem.message;
    }
  }

  function ideaItem(idea) {
    const parts = [el("p", { className: "idea-text", textContent: idea.text })];
    const about = idea.touchpoint + " · " + idea.votes + (idea.votes === 1 ? " backer" : " backers");
    const flag = idea.hidden ? " · hidden from the wall by the facilitator" : idea.mine ? " · your idea" : "";
    parts.push(el("p", { className: "idea-about", textContent: about + flag }));
    if (!idea.mine) {
      const button = el("button", { type: "button", className: "back", textContent: idea.backed ? "Backed ✓" : "Back this idea" });
      button.setAttribute("aria-pressed", String(idea.backed));
      button.addEventListener("click", async () => {
        try {
          await call(idea.backed ? "DELETE" : "PUT", "/ideas/" + idea.id + "/backing");
          await refresh();
        } catch (problem) {
          say(problem.message);
        }
      });
      parts.push(button);
    }
    return el("li", { className: "idea" }, parts);
  }

  function draw(state) {
    current = state;
    csrf = state.csrf;
    version = state.version;
    const list = document.getElementById("touchpoints");
    if (!state.live) return stopped("The facilitator has ended this session. Thank you for taking part!");
    say(state.touchpoints.length ? "Score what is open. You can change a score while voting is open." : "Nothing is open for votes right now. Watch the screen: this page follows along.");
    list.replaceChildren(...state.touchpoints.map((item) => scoreCard(item, state.scale)));
    const select = document.getElementById("idea-touchpoint");
    const kept = select.value;
    select.replaceChildren(...state.session_touchpoints.map((t) => el("option", { value: String(t.id), textContent: t.name })));
    if (kept) select.value = kept;
    else if (state.touchpoints.length) select.value = String(state.touchpoints[0].id);
    document.getElementById("idea-list").replaceChildren(...state.ideas.map(ideaItem));
    document.getElementById("ideas").hidden = false;
  }

  async function refresh() {
    draw(await call("GET", "/state"));
  }

  async function follow() {
    for (;;) {
      try {
        const path = version === null ? "/state" : "/state?since=" + version;
        draw(await call("GET", path));
      } catch (problem) {
        if (problem.status === 410 || problem.status === 404) return stopped(problem.message);
        if (problem.status === 401) return location.reload();
        say("Connection lost; trying again…");
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      if (current && !current.live) return;
    }
  }

  document.getElementById("idea-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = document.getElementById("idea-text");
    const message = document.getElementById("idea-message");
    try {
      await call("POST", "/ideas", { touchpoint_id: Number(document.getElementById("idea-touchpoint").value), text: text.value });
      text.value = "";
      message.textContent = "Idea added. Thank you!";
      await refresh();
    } catch (problem) {
      message.textContent = problem.message;
    }
  });

  const joinForm = document.getElementById("join");
  if (room.dataset.joined === "yes") {
    follow();
  } else {
    room.hidden = true;
    joinForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const problemLine = document.getElementById("join-error");
      try {
        const joined = await call("POST", "/participants", {
          name: document.getElementById("name").value,
          group: document.getElementById("group").value,
        });
        csrf = joined.csrf;
        joinForm.remove();
        room.hidden = false;
        follow();
      } catch (problem) {
        if (problem.status === 410) return stopped(problem.message);
        problemLine.textContent = problem.message;
        problemLine.hidden = false;
      }
    });
  }
})();
