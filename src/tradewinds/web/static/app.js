/* tradewinds dashboard script: charts, sortable tables, HTS search, jobs with live progress.
   Plain JavaScript, no framework; plotly.js is the copy shipped in the installed plotly package. */
"use strict";
(function () {
  const PLOT_CONFIG = {
    responsive: true,
    displaylogo: false,
    topojsonURL: "/static/map/",
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
  };

  function draw(root) {
    (root || document).querySelectorAll(".plot[data-figure]").forEach(function (el) {
      const source = document.getElementById(el.dataset.figure);
      if (!source || el.dataset.drawn) return;
      const fig = JSON.parse(source.textContent);
      el.dataset.drawn = "1";
      if (window.matchMedia("(max-width: 640px)").matches) narrow(fig.layout);
      if (window.Plotly) {
        window.Plotly.newPlot(el, fig.data, fig.layout, PLOT_CONFIG);
      }
    });
  }

  /* Phones: event labels would cover the lines (the dotted markers stay), legends shrink. */
  function narrow(layout) {
    if (layout.shapes && layout.annotations) layout.annotations = [];
    layout.margin = Object.assign({}, layout.margin || {}, {l: 44, r: 8});
    if (layout.yaxis && layout.yaxis.ticksuffix) {  // "%" on the ticks says enough
      layout.yaxis = Object.assign({}, layout.yaxis, {title: {text: ""}});
    }
    if (layout.xaxis && layout.xaxis.ticksuffix) {  // the ranked bars: the heading says the rest
      layout.xaxis = Object.assign({}, layout.xaxis, {title: {text: ""}});
    }
    if (layout.legend) {
      layout.legend = Object.assign({}, layout.legend, {font: {size: 10}, y: -0.25});
      layout.height = (layout.height || 380) + 60;
    }
  }

  function cellValue(row, index) {
    const cell = row.cells[index];
    if (!cell) return "";
    const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    const num = parseFloat(raw.replace(/[,%$]/g, ""));
    return isNaN(num) ? raw.toLowerCase() : num;
  }

  function sortTable(table, th) {
    const index = Array.prototype.indexOf.call(th.parentNode.children, th);
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    th.parentNode.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const body = table.tBodies[0];
    const rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      const x = cellValue(a, index), y = cellValue(b, index);
      if (x === y) return 0;
      return (x > y ? 1 : -1) * (ascending ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function sortable(root) {
    (root || document).querySelectorAll("table.sortable thead th").forEach(function (th) {
      if (th.dataset.sortable) return;
      th.dataset.sortable = "1";
      th.tabIndex = 0;
      th.title = "Sort by this column";
      const table = th.closest("table");
      th.addEventListener("click", function () { sortTable(table, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortTable(table, th); }
      });
    });
  }

  function htsSearch() {
    const input = document.getElementById("hts");
    const list = document.getElementById("hts-results");
    if (!input || !list) return;
    let timer = null;
    let last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const q = input.value.trim();
        if (q.length < 2 || q === last) return;
        last = q;
        const resp = await fetch("/api/v1/hts/search?limit=12&q=" + encodeURIComponent(q));
        if (!resp.ok) return;
        const body = await resp.json();
        list.replaceChildren();
        body.results.forEach(function (hit) {
          const li = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          const code = document.createElement("span");
          code.className = "code";
          code.textContent = hit.code;
          const parts = hit.description.split(" › ");
          button.append(code, parts.slice(-3).join(" › ") + " (MFN " + hit.mfn + ")");
          button.title = hit.description;
          button.addEventListener("click", function () {
            input.value = hit.code;
            list.replaceChildren();
            last = hit.code;
            document.getElementById("value").focus();
          });
          li.appendChild(button);
          list.appendChild(li);
        });
      }, 250);
    });
  }

  /* Jobs: POST returns 202 and links; the event stream updates progress until a final state. */
  function watchJob(job, onUpdate) {
    return new Promise(function (resolve) {
      const source = new EventSource(job.links.events);
      let done = false;
      source.onmessage = function (event) {
        const state = JSON.parse(event.data);
        onUpdate(state);
        if (["done", "failed", "cancelled"].indexOf(state.state) >= 0) {
          done = true;
          source.close();
          resolve(state);
        }
      };
      source.onerror = async function () {
        source.close();
        if (done) return;
        // The stream closed early (a proxy, a network blip): poll until the job ends.
        for (;;) {
          const resp = await fetch(job.links.self);
          const state = await resp.json();
          onUpdate(state);
          if (!resp.ok || ["done", "failed", "cancelled"].indexOf(state.state) >= 0) {
            resolve(state);
            return;
          }
          await new Promise(function (r) { setTimeout(r, 1000); });
        }
      };
    });
  }

  function showProgress(box, state) {
    const bar = box.querySelector("progress");
    const text = box.querySelector(".status");
    const p = state.progress || {};
    if (p.total) { bar.max = p.total; bar.value = p.done || 0; } else { bar.removeAttribute("value"); }
    let msg = state.state;
    if (p.total) msg += " · " + (p.done || 0) + " of " + p.total + " " + (p.unit || "");
    if (state.error) msg += " · " + state.error.message;
    text.textContent = msg;
  }

  async function errorText(resp) {
    try { const body = await resp.json(); return body.message || resp.statusText; }
    catch (e) { return resp.status + " " + resp.statusText; }
  }

  function authHeaders() {
    const field = document.querySelector(".api-token");
    const headers = {"Content-Type": "application/json"};
    if (field && field.value) headers.Authorization = "Bearer " + field.value;
    return headers;
  }

  async function submitJob(url, body, box, onDone) {
    box.hidden = false;
    const err = box.querySelector(".job-error");
    err.textContent = "";
    const resp = await fetch(url, {method: "POST", headers: authHeaders(), body: JSON.stringify(body)});
    if (resp.status !== 202) { err.textContent = await errorText(resp); return; }
    const job = await resp.json();
    box.dataset.jobId = job.job_id;
    const cancel = box.querySelector(".cancel");
    if (cancel) {
      cancel.hidden = false;
      cancel.disabled = false;
      cancel.onclick = async function () {
        cancel.disabled = true;  // one request; the stream reports "cancelled" when it stops
        const r = await fetch(job.links.self, {method: "DELETE", headers: authHeaders()});
        if (!r.ok) { err.textContent = await errorText(r); cancel.disabled = false; }
      };
    }
    showProgress(box, job);
    const final = await watchJob(job, function (s) { showProgress(box, s); });
    if (cancel) cancel.hidden = true;
    if (final.state === "cancelled") {
      box.querySelector(".status").textContent += " · stopped on request; nothing was recorded";
    }
    if (final.state === "done") await onDone(final, job);
  }

  function explorer() {
    const form = document.getElementById("explorer-form");
    if (!form) return;
    const yamlBox = document.getElementById("scenario-yaml");
    const upload = document.getElementById("upload");
    const out = document.getElementById("explorer-result");
    const jobBox = document.getElementById("explorer-job");
    const err = document.getElementById("explorer-error");
    upload.addEventListener("change", async function () {
      const file = upload.files[0];
      if (!file) return;
      if (file.size > 256 * 1024) { err.textContent = "That file is over 256 KiB."; return; }
      document.getElementById("base_text").value = await file.text();
      document.getElementById("library").value = "";
      document.getElementById("baseline").value = "keep";
      await build();
    });
    async function build() {
      err.textContent = "";
      const data = Object.fromEntries(new FormData(form).entries());
      const resp = await fetch("/explorer/build", {
        method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(data),
      });
      if (!resp.ok) { err.textContent = await errorText(resp); return null; }
      const body = await resp.json();
      yamlBox.textContent = body.yaml;
      document.getElementById("explorer-summary").textContent =
        "Will run: " + body.title + ". " + body.summary;
      document.getElementById("explorer-warning").textContent =
        (body.warnings || []).map(function (w) { return "Warning: " + w; }).join(" ");
      rateMap(body.as_of || "");
      return body;
    }
    let mapDate = null;
    async function rateMap(day) {
      const box = document.getElementById("explorer-map");
      if (!box || day === mapDate) return;
      mapDate = day;
      const status = document.createElement("p");
      status.className = "note";
      status.textContent = "Loading the map of every partner's effective rate" + (day ? " on " + day : "") + "…";
      box.replaceChildren(status);
      const resp = await fetch(box.dataset.src + "?date=" + encodeURIComponent(day));
      if (day !== mapDate) return;  // a newer date was asked for meanwhile
      if (!resp.ok) { status.className = "error-text"; status.textContent = await errorText(resp); return; }
      box.innerHTML = await resp.text();
      draw(box); sortable(box);
    }
    form.addEventListener("change", function (e) {
      if (e.target === upload) return;
      if (e.target.id === "library") {
        document.getElementById("base_text").value = "";
        document.getElementById("baseline").value = "keep";  // a scenario opens on its own
      }
      build();
    });
    form.addEventListener("submit", async function (e) {
      e.preventDefault();
      const built = await build();
      if (!built) return;
      out.replaceChildren();
      const draws = parseInt(form.elements.draws.value || "0", 10);
      const body = {scenario: built.yaml, bilateral: true};
      if (draws > 0) { body.draws = draws; body.seed = 7; }
      await submitJob("/api/v1/scenarios/run", body, jobBox, async function (state) {
        const resp = await fetch("/runs/" + encodeURIComponent(state.run_id) + "/view");
        out.innerHTML = await resp.text();
        draw(out); sortable(out);
        out.querySelector("h2").focus();
      });
    });
    build();
  }

  function strategy() {
    const form = document.getElementById("uf-form");
    if (!form) return;
    const jobBox = document.getElementById("uf-job");
    const out = document.getElementById("uf-result");
    form.addEventListener("submit", async function (e) {
      e.preventDefault();
      out.replaceChildren();
      const data = Object.fromEntries(new FormData(form).entries());
      const resp = await fetch("/strategy/scenario?name=" + encodeURIComponent(data.scenario));
      if (!resp.ok) { jobBox.hidden = false; jobBox.querySelector(".job-error").textContent = await errorText(resp); return; }
      const text = await resp.text();
      const body = {scenario: text, partners: ["CAN", "MEX"], threatener: "USA", retaliation: data.retaliation,
                    draws: parseInt(data.draws || "0", 10),
                    deal_rate: data.deal_rate === "" || data.deal_rate === undefined ? null : Number(data.deal_rate) / 100};
      await submitJob("/api/v1/strategy/united-front", body, jobBox, async function (state, job) {
        const res = await fetch(job.links.result + "?format=json");
        const result = await res.json();
        const view = await fetch("/strategy/united-front/view", {
          method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(result),
        });
        out.innerHTML = await view.text();
        draw(out);
      });
    });
    const curve = document.getElementById("curve-form");
    if (curve) {
      const curveBox = document.getElementById("curve-job");
      curve.addEventListener("submit", async function (e) {
        e.preventDefault();
        const box = document.getElementById("curve-result");
        box.replaceChildren();
        const data = Object.fromEntries(new FormData(curve).entries());
        const resp = await fetch("/strategy/scenario?name=" + encodeURIComponent(data.scenario));
        if (!resp.ok) { curveBox.hidden = false; curveBox.querySelector(".job-error").textContent = await errorText(resp); return; }
        const body = {scenario: await resp.text(), country: data.country, points: 21};
        await submitJob("/api/v1/strategy/optimal-curve", body, curveBox, async function (state, job) {
          const res = await fetch(job.links.result + "?format=json");
          const view = await fetch("/strategy/curve/view", {
            method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(await res.json()),
          });
          if (!view.ok) { curveBox.querySelector(".job-error").textContent = await errorText(view); return; }
          box.innerHTML = await view.text();
          draw(box);
        });
      });
    }
  }

  function filters() {
    document.querySelectorAll("input[data-filter]").forEach(function (input) {
      const table = document.getElementById(input.dataset.filter);
      const count = document.getElementById(input.dataset.filter + "-count");
      const rows = Array.from(table.tBodies[0].rows);
      function apply() {
        const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        let shown = 0;
        rows.forEach(function (row) {
          const text = row.textContent.toLowerCase();
          const keep = words.every(function (w) { return text.indexOf(w) >= 0; });
          row.hidden = !keep;
          if (keep) shown += 1;
        });
        if (count) count.textContent = words.length ? shown + " of " + rows.length + " events" : "";
      }
      input.addEventListener("input", apply);
      apply();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    filters();
    draw(document);
    sortable(document);
    htsSearch();
    explorer();
    strategy();
  });
  window.tradewinds = {draw: draw, sortable: sortable};
})();
