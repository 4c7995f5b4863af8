//! The workspace's own daily budget for paid generation: its owners set or lift it (at
//! most the server's per-person budget, which the server checks); other members see it.

use super::shown::Shown;
use crate::api::{set_workspace_budget, Strict};
use crate::domain::{BudgetRequest, WorkspaceView};
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub(super) fn WorkspaceBudget(view: WorkspaceView, shown: Shown) -> impl IntoView {
    let team = &t().team;
    let now = view.daily_budget.map_or_else(|| team.budget_none.to_owned(), team.budget_set);
    let units = RwSignal::new(view.daily_budget.map(|n| n.to_string()).unwrap_or_default());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = units.get_untracked();
        let daily_budget = match typed.trim() {
            "" => None,
            n => match n.parse::<i64>() {
                Ok(n) => Some(n),
                // Not a whole number: the server's own check says so, in its words.
                Err(_) => Some(0),
            },
        };
        shown.act(set_workspace_budget(Strict(BudgetRequest { daily_budget })));
    };
    view! {
        <h3>{team.budget}</h3>
        <p class="muted" data-testid="workspace-budget">{now}</p>
        {view.role.can_manage().then(|| view! {
            <p class="muted account-note">{team.budget_hint}</p>
            <form class="invite-row" on:submit=save>
                <input type="number" min="1" step="1" inputmode="numeric" aria-label=team.budget
                    data-testid="workspace-budget-units" prop:value=move || units.get()
                    on:input=move |ev| units.set(event_target_value(&ev))/>
                <button type="submit" class="secondary" data-testid="workspace-budget-save">{team.budget_save}</button>
            </form>
        })}
    }
}
