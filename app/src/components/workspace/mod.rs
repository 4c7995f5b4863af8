//! Workspaces in the top bar, for a signed-in person: a switcher naming the workspace
//! shown, listing the others with the role held in each, and opening the workspace's
//! members and tokens (`settings.rs`) or a dialog that makes a new one. Switching,
//! creating and joining (`invite.rs`, from an invite link) reload the page, so that the
//! queue, the board and the event stream all follow the workspace the session shows. The
//! member counts follow live `members` events ([`Membership::refresh`]).

mod budget;
mod invite;
mod settings;
mod shown;

pub use invite::InviteDialog;

use crate::api::{create_workspace, switch_workspace, ApiError, Strict};
use crate::components::shared::dialog::Dialog;
use crate::components::shared::icons::Icon;
use crate::components::shared::membership::Membership;
use crate::components::shared::menu::Menu;
use crate::components::shared::navigate::reload;
use crate::components::shared::text::error_text;
use crate::domain::{IdRef, NameRequest, WorkspaceSummary};
use crate::i18n::t;
use leptos::prelude::*;
use settings::WorkspaceSettings;

/// The name a workspace goes by in the switcher: "Personal" for the account's own.
fn shown_name(workspace: &WorkspaceSummary) -> String {
    if workspace.personal {
        t().team.personal.to_owned()
    } else {
        workspace.name.clone()
    }
}

#[component]
pub fn WorkspaceMenu() -> impl IntoView {
    let membership = expect_context::<Membership>();
    let Some(current) = membership.current() else { return ().into_any() };
    let t = t();
    let team = &t.team;
    let (settings, create) = (RwSignal::new(false), RwSignal::new(false));
    let problem = RwSignal::new(None::<String>);
    let switch = move |id| {
        leptos::task::spawn_local(async move {
            match switch_workspace(Strict(IdRef { id })).await {
                Ok(_) => reload(),
                Err(e) => problem.set(Some(error_text(t, &e))),
            }
        })
    };
    // Drawn again when the members of the one shown change (their counts).
    let items = move || {
        membership.workspaces().into_iter().map(move |w| {
            let id = w.id;
            let detail = format!("{} · {}", (team.role)(w.role), (team.members_count)(w.members));
            view! {
                <button type="button" role="menuitemradio" class="menu-item workspace-item" data-testid="workspace-item"
                    aria-checked=w.current.to_string() on:click=move |_| if !w.current { switch(id) }>
                    <span class="workspace-item-name">{shown_name(&w)}</span>
                    <span class="muted">{detail}</span>
                </button>
            }
        }).collect_view()
    };
    view! {
        <Menu label=team.workspace test_id="workspace-open" icon=Icon::Team text=shown_name(&current)>
            {items}
            <hr/>
            <button type="button" class="menu-item" role="menuitem" data-testid="workspace-settings" on:click=move |_| settings.set(true)>
                {team.settings}
            </button>
            <button type="button" class="menu-item" role="menuitem" data-testid="workspace-new" on:click=move |_| create.set(true)>
                {team.new_workspace}
            </button>
        </Menu>
        {move || problem.get().map(|p| view! { <span class="form-error" role="alert">{p}</span> })}
        <Dialog open=settings label=team.settings test_id="workspace-dialog">
            <WorkspaceSettings/>
        </Dialog>
        <Dialog open=create label=team.new_workspace test_id="workspace-new-dialog">
            <NewWorkspace/>
        </Dialog>
    }
    .into_any()
}

/// In place of the form for a viewer: what the role allows, and who can change it.
#[component]
pub fn ViewerNote() -> impl IntoView {
    let name = expect_context::<Membership>().current().map(|w| w.name).unwrap_or_default();
    view! { <p class="viewer-note" data-testid="viewer-note">{(t().team.viewer_note)(&name)}</p> }
}

/// Names a new workspace and makes it (the page then shows it).
#[component]
fn NewWorkspace() -> impl IntoView {
    let t = t();
    let team = &t.team;
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            let made: Result<_, ApiError> = create_workspace(Strict(NameRequest { name: name.get_untracked() })).await;
            match made {
                Ok(_) => reload(),
                Err(e) => problem.set(Some(error_text(t, &e))),
            }
        })
    };
    view! {
        <h2 class="dialog-title">{team.new_workspace}</h2>
        <form class="account-form" on:submit=send>
            <div class="field">
                <label for="workspace-name">{team.workspace_name}</label>
                <input id="workspace-name" data-testid="workspace-name" maxlength="64" autocomplete="off"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            </div>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <button type="submit" class="primary" data-testid="workspace-create">{team.create}</button>
        </form>
    }
}
