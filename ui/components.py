"""Small pieces of the interface: the ticking SOP clock.

The clock ticks in the browser, so the server is not asked to rerun every
second (which would compete with the agent's typing). Its colours come from
:func:`desk.sla.sla_status`: the server sends the moments at which the clock
turns amber and red, the browser only compares them with the time.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from desk.sla import SLAStatus, format_seconds

_HTML = """
<div id="clock" class="clock clock--ok" role="timer" aria-live="off">
  <span id="total" class="clock__total"></span>
  <span id="step" class="clock__step"></span>
</div>
"""

_CSS = """
.clock { display: flex; gap: 1rem; align-items: baseline; padding: 0.35rem 0.8rem;
         border-radius: 0.5rem; font-family: var(--st-font, sans-serif);
         font-variant-numeric: tabular-nums; border: 1px solid rgba(127,127,127,0.3); }
.clock__total { font-size: 1.6rem; font-weight: 600; }
.clock__step { font-size: 0.95rem; }
.clock--ok { background: #e8f5e9; color: #1b5e20; }
.clock--amber { background: #fff3cd; color: #7a4f01; }
.clock--red { background: #fdecea; color: #b71c1c; }
"""

_JS = r"""
export default function({ parentElement, data }) {
  const root = parentElement.querySelector("#clock");
  const total = parentElement.querySelector("#total");
  const step = parentElement.querySelector("#step");
  const fmt = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
  // The server's clock decides; the browser only keeps counting from it.
  const offset = Date.now() - data.server_now_ms;
  const tick = () => {
    const now = Date.now() - offset;
    const elapsed = Math.max(0, (now - data.started_ms) / 1000);
    total.textContent = `${fmt(elapsed)} / ${fmt(data.total_s)}`;
    if (data.step_label) {
      const took = Math.max(0, (now - data.step_since_ms) / 1000);
      const budget = data.step_budget_s ? ` / ${fmt(data.step_budget_s)}` : "";
      step.textContent = `${data.step_label}: ${fmt(took)}${budget}`;
    } else {
      step.textContent = "";
    }
    let state = "ok";
    if (data.red_ms !== null && now >= data.red_ms) state = "red";
    else if (data.amber_ms !== null && now >= data.amber_ms) state = "amber";
    root.className = `clock clock--${state}`;
    root.dataset.state = state;
  };
  if (parentElement._timer) clearInterval(parentElement._timer);
  tick();
  parentElement._timer = setInterval(tick, 1000);
  return () => clearInterval(parentElement._timer);
}
"""

_clock = st.components.v2.component("sigap_sop_clock", html=_HTML, css=_CSS, js=_JS)


def _ms(when: dt.datetime | None) -> int | None:
    return None if when is None else int(when.timestamp() * 1000)


def sop_clock(status: SLAStatus, *, started_at: dt.datetime, now: dt.datetime, key: str) -> None:
    """The call's SOP clock: whole-call time and the current step, green, amber or red."""
    current = next((s for s in status.steps if s.step == status.current_step), None)
    step_since = now - dt.timedelta(seconds=current.elapsed_s or 0) if current else now
    _clock(
        key=key,
        data={
            "started_ms": _ms(started_at),
            "server_now_ms": _ms(now),
            "total_s": status.total_s,
            "step_label": current.label if current else "",
            "step_since_ms": _ms(step_since),
            "step_budget_s": current.budget_s if current else None,
            "amber_ms": _ms(status.amber_at),
            "red_ms": _ms(status.red_at),
        },
    )
    # The budgets in words, for screen readers (the ticking time is the component's).
    budgets = " · ".join(
        f"{s.label.lower()} {format_seconds(s.budget_s)}" for s in status.steps if s.budget_s
    )
    st.caption(f"Batas SOP {format_seconds(status.total_s)}" + (f" ({budgets})" if budgets else ""))
