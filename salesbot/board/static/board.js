// The managers' board: sign in with what the platform handed the page, then draw the data the server scoped.
// Every text from the server goes in through textContent, never as HTML.
"use strict";

const WORDS = JSON.parse(document.getElementById("words").textContent);
let lang = (navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en";
let token = null;
const charts = [];

function w(key, params) {
  const template = (WORDS[lang] || WORDS.en)[key] || key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (params && name in params ? params[name] : ""));
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function money(amount, currency) {
  try {
    return new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en-US", {
      style: "currency", currency, maximumFractionDigits: 0,
    }).format(Number(amount));
  } catch (e) {
    return `${amount} ${currency}`;
  }
}

function amounts(map) {
  return Object.entries(map || {}).map(([c, a]) => money(a, c)).join(" · ");
}

function status(text, error) {
  const main = document.getElementById("board");
  main.replaceChildren(el("p", { id: "status", class: error ? "status error" : "status" }, text));
  document.body.dataset.state = error ? "error" : "loading";
}

function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 2500);
}

// ----------------------------------------------------------------------------------------------------- sign-in

async function signIn() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const kept = sessionStorage.getItem("board-token");
  if (hash.get("session")) return hash.get("session");
  let body = null;
  if (hash.get("tgWebAppData")) body = { init_data: hash.get("tgWebAppData") };
  else if (query.get("code")) body = { wecom_code: query.get("code") };
  else if (kept) return kept;
  if (!body) return null;
  const answer = await fetch("api/session", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  if (answer.status !== 200) return null;
  return (await answer.json()).token;
}

async function load() {
  const rep = document.getElementById("rep").value;
  const days = document.getElementById("days").value;
  const params = new URLSearchParams();
  if (rep) params.set("rep", rep);
  if (days) params.set("days", days);
  const answer = await fetch(`api/data?${params}`, { headers: { Authorization: `Bearer ${token}` } });
  if (answer.status === 401) {
    sessionStorage.removeItem("board-token");
    status(w("refused"), true);
    return;
  }
  if (answer.status !== 200) {
    status(w("failed"), true);
    return;
  }
  draw(await answer.json());
}

// -------------------------------------------------------------------------------------------------------- draw

function chatLink(sentence, chatUrl) {
  const link = el("a", { class: "chat", href: chatUrl || "#", title: w("in_chat") }, `› ${sentence}`);
  link.addEventListener("click", (event) => {
    if (navigator.clipboard) navigator.clipboard.writeText(sentence).catch(() => {});
    toast(w("copied"));
    if (!chatUrl) event.preventDefault();
  });
  return link;
}

function filters(data) {
  const form = document.getElementById("filters");
  const rep = document.getElementById("rep");
  const days = document.getElementById("days");
  if (!rep.dataset.ready) {
    rep.append(el("option", { value: "" }, w("everyone")));
    for (const person of data.reps) rep.append(el("option", { value: String(person.id) }, person.name));
    for (const n of data.filter.periods) days.append(el("option", { value: String(n) }, w("period", { n })));
    days.value = String(data.filter.days);
    rep.dataset.ready = "1";
    rep.addEventListener("change", load);
    days.addEventListener("change", load);
  }
  rep.hidden = data.reps.length < 2;
  form.hidden = false;
}

function pipeline(data) {
  const stages = el("div", { class: "stages" });
  for (const stage of data.pipeline) {
    const column = el("div", { class: stage.count ? "stage" : "stage empty", "data-stage": stage.stage },
      el("h3", {}, el("span", {}, stage.label), el("span", {}, w("deals", { n: stage.count }))),
      el("div", { class: "sum" }, amounts(stage.amounts)));
    for (const deal of stage.deals) {
      column.append(el("div", { class: "deal", "data-deal": String(deal.id) },
        el("div", { class: "top" }, el("span", {}, deal.customer),
          el("span", {}, deal.amount === null ? "" : money(deal.amount, deal.currency))),
        el("div", { class: "meta" }, el("span", {}, deal.title), el("span", { class: "rep" }, deal.rep),
          el("span", {}, w("days_in_stage", { n: deal.days }))),
        chatLink(deal.chat, data.chat_url)));
    }
    if (stage.count > stage.deals.length) {
      column.append(el("div", { class: "more" }, w("more", { n: stage.count - stage.deals.length })));
    }
    if (!stage.count) column.append(el("div", { class: "more" }, w("nothing")));
    stages.append(column);
  }
  return el("section", { class: "wide", id: "pipeline" }, el("h2", {}, w("pipeline")), stages);
}

function chart(kind, labels, datasets, horizontal) {
  const canvas = el("canvas");
  const box = el("div", { class: "chart" }, canvas);
  charts.push(() => new Chart(canvas, {
    type: kind,
    data: { labels, datasets },
    options: {
      indexAxis: horizontal ? "y" : "x",
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true, beginAtZero: true } },
    },
  }));
  return box;
}

function funnel(data) {
  const rows = data.funnel;
  return el("section", { id: "funnel" }, el("h2", {}, w("funnel")),
    chart("bar", rows.map((r) => r.label), [{ label: w("deals", { n: "" }).trim(), data: rows.map((r) => r.count),
      backgroundColor: "#3b7dd8" }], true));
}

const BUCKET_COLOURS = ["#8fb5e8", "#f2c36b", "#ee9b5a", "#e06b4a", "#b8322a"];

function aging(data) {
  const money_ = data.receivables;
  const lead = (money_.by_rep[0] || {}).currency;
  const rows = money_.by_rep.filter((r) => r.currency === lead).slice(0, 12);
  const section = el("section", { id: "aging" }, el("h2", {}, w("aging")));
  const chips = el("div", { class: "chips" });
  for (const [key, map] of [["outstanding", money_.totals], ["overdue", money_.overdue], ["due_soon", money_.due_soon]]) {
    chips.append(el("div", { class: key === "overdue" ? "chip late" : "chip" }, w(key), el("b", {}, amounts(map) || "0")));
  }
  section.append(chips);
  if (!rows.length) {
    section.append(el("p", { class: "more" }, w("nothing")));
    return section;
  }
  section.append(chart("bar", rows.map((r) => r.rep), money_.buckets.map((b, i) => ({
    label: b.label, data: rows.map((r) => Number(r.buckets[b.key])), backgroundColor: BUCKET_COLOURS[i],
  })), true));
  return section;
}

function debtors(data) {
  const section = el("section", { id: "debtors" }, el("h2", {}, w("debtors")));
  for (const d of data.receivables.debtors) {
    section.append(el("div", { class: "debtor" },
      el("div", { class: "top" }, el("span", {}, d.customer), el("span", {}, money(d.outstanding, d.currency))),
      el("div", { class: "meta" }, el("span", { class: "rep" }, d.rep),
        Number(d.overdue) > 0 ? el("span", { class: "late" }, `${w("overdue")} ${money(d.overdue, d.currency)}`) : null,
        d.days > 0 ? el("span", { class: "late" }, w("days_late", { n: d.days })) : null),
      chatLink(d.chat, data.chat_url)));
  }
  if (!data.receivables.debtors.length) section.append(el("p", { class: "more" }, w("nothing")));
  return section;
}

function activity(data) {
  const keys = ["visits", "moves", "won", "lost", "payments"];
  const head = el("tr", {}, el("th", {}, w("rep")), ...keys.map((k) => el("th", {}, w(k))));
  const body = el("tbody");
  for (const row of data.activity.by_rep) {
    body.append(el("tr", {}, el("td", {}, row.rep), ...keys.map((k) => el("td", {}, row[k]))));
  }
  const totals = data.activity.totals;
  const foot = el("tfoot", {}, el("tr", {}, el("td", {}, w("total")), ...keys.map((k) => el("td", {}, totals[k]))));
  const section = el("section", { class: "wide", id: "activity" },
    el("h2", {}, `${w("activity")} · ${data.activity.since} – ${data.activity.until}`));
  if (!data.activity.by_rep.length) section.append(el("p", { class: "more" }, w("nothing")));
  else section.append(el("div", { class: "scroll" }, el("table", {}, el("thead", {}, head), body, foot)));
  if (Object.keys(totals.received).length) {
    section.append(el("p", { class: "more" }, `${w("payments")}: ${amounts(totals.received)}`));
  }
  return section;
}

function targets(data) {
  // Per rep and team and currency, as the server counted them ([reports] measure): never added across currencies.
  const section = el("section", { id: "targets" }, el("h2", {}, w("targets")));
  for (const t of data.targets) {
    const percent = Math.max(0, Math.min(100, t.percent));
    section.append(el("div", { class: t.kind === "team" ? "target team" : "target", "data-who": t.who },
      el("div", { class: "top" }, el("span", {}, t.kind === "team" ? `${w("team")} · ${t.who}` : t.who),
        el("span", {}, `${t.percent}%`)),
      el("div", { class: "bar" }, el("i", { style: `width: ${percent}%` })),
      el("div", { class: "meta" }, el("span", {}, `${money(t.done, t.currency)} / ${money(t.target, t.currency)}`),
        el("span", {}, `${t.starts_on} – ${t.ends_on}`), el("span", {}, w(`measure_${t.measure}`)))));
  }
  return section;
}

function draw(data) {
  lang = data.me.lang === "en" ? "en" : "zh";
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = w("title");
  document.getElementById("title").textContent = w("title");
  document.getElementById("who").textContent = `${data.me.name} · ${data.today}`;
  filters(data);
  while (charts.length) charts.pop();
  for (const old of Chart.instances ? Object.values(Chart.instances) : []) old.destroy();
  const main = document.getElementById("board");
  main.replaceChildren(pipeline(data), ...(data.targets ? [targets(data)] : []), funnel(data), aging(data),
    debtors(data), activity(data));
  for (const make of charts) make();
  document.body.dataset.state = "ready";
}

async function start() {
  document.getElementById("title").textContent = w("title");
  status(w("loading"));
  try {
    token = await signIn();
    if (!token) {
      status(w("refused"), true);
      return;
    }
    sessionStorage.setItem("board-token", token);
    // The platform's one-time credentials have done their work: keep them out of the address bar and history.
    history.replaceState(null, "", location.pathname);
    await load();
  } catch (e) {
    status(w("failed"), true);
  }
}

document.addEventListener("DOMContentLoaded", start);
