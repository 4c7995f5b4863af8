//! The workspace shown, as its members manage it: the members with their roles (an owner
//! changes roles and removes members; anyone but the personal owner can leave), invite
//! links with a role (owners; a link is shown once, then listed until used, withdrawn or
//! expired) and the caller's API tokens (a new token is shown once). Every answer is the
//! workspace as it is now, drawn again; so is a live `members` event while it is open.

use super::budget::WorkspaceBudget;
use super::shown::Shown;
use crate::api::{
    create_token, current_workspace, invite_member, remove_member, revoke_invite, revoke_token, set_member_role, Empty,
    Strict,
};
use crate::components::shared::membership::Membership;
use crate::components::shared::navigate::reload;
use crate::components::shared::text::error_text;
use crate::domain::{IdRef, InviteRequest, MemberRole, MemberView, NameRequest, Role, WorkspaceView};
use crate::i18n::t;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn WorkspaceSettings() -> impl IntoView {
    let shown = Shown {
        view: RwSignal::new(None),
        problem: RwSignal::new(None),
        link: RwSignal::new(None),
        token: RwSignal::new(None),
        role: RwSignal::new(Role::Editor),
    };
    shown.act(current_workspace(Strict(Empty {})));
    // Read again when someone joins, leaves, is removed or changes role while it is open.
    let membership = expect_context::<Membership>();
    Effect::watch(
        move || membership.workspaces(),
        move |_, _, _| shown.act(current_workspace(Strict(Empty {}))),
        false,
    );
    let t = t();
    view! {
        {move || shown.view.get().map(|view| {
            let owner = view.role.can_manage();
            view! {
                <h2 class="dialog-title" data-testid="workspace-title">{view.name.clone()}</h2>
                <Members view=view.clone() shown/>
                {if view.personal {
                    view! { <p class="muted account-note">{t.team.personal_alone}</p> }.into_any()
                } else if owner {
                    view! { <Invites view=view.clone() shown/> }.into_any()
                } else {
                    ().into_any()
                }}
                <WorkspaceBudget view=view.clone() shown/>
                <Tokens view shown/>
            }
        })}
        {move || shown.problem.get().map(|p| view! { <p class="form-error" role="alert" data-testid="workspace-error">{p}</p> })}
    }
}

#[component]
fn Members(view: WorkspaceView, shown: Shown) -> impl IntoView {
    let t = t();
    let team = &t.team;
    let owner = view.role.can_manage();
    let set_role = move |user_id: Uuid, role: Role| shown.act(set_member_role(Strict(MemberRole { user_id, role })));
    let remove = move |member: MemberView| {
        leptos::task::spawn_local(async move {
            match remove_member(Strict(IdRef { id: member.user_id })).await {
                // Leaving: the page shows the personal workspace now.
                Ok(()) if member.you => reload(),
                Ok(()) => shown.act(current_workspace(Strict(Empty {}))),
                Err(e) => shown.problem.set(Some(error_text(t, &e))),
            }
        })
    };
    let personal = view.personal;
    let owners = view.members.iter().filter(|m| m.role == Role::Owner).count();
    view! {
        <h3>{team.members}</h3>
        <ul class="sessions" data-testid="members">
            {view.members.into_iter().map(|m| {
                let (user_id, role) = (m.user_id, m.role);
                let name = if m.you { format!("{} ({})", m.username, team.you) } else { m.username.clone() };
                // The last owner stays (the server says so too).
                let leave = m.you && !personal && !(role == Role::Owner && owners == 1);
                view! {
                    <li class="session" data-testid="member">
                        <span class="session-agent">{name}</span>
                        {if owner && !m.you {
                            view! {
                                <select aria-label=team.invite_as data-testid="member-role"
                                    on:change=move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { set_role(user_id, r) }>
                                    {Role::ALL.map(|r| view! {
                                        <option value=r.as_str() selected=r == role>{(team.role)(r)}</option>
                                    })}
                                </select>
                            }.into_any()
                        } else {
                            view! { <span class="chip">{(team.role)(role)}</span> }.into_any()
                        }}
                        {(owner && !m.you).then(|| { let m = m.clone(); view! {
                            <button type="button" class="link" data-testid="member-remove" on:click=move |_| remove(m.clone())>
                                {team.remove}
                            </button>
                        }})}
                        {leave.then(|| view! {
                            <button type="button" class="link" data-testid="member-leave" on:click=move |_| remove(m.clone())>
                                {team.leave}
                            </button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Invites(view: WorkspaceView, shown: Shown) -> impl IntoView {
    let t = t();
    let team = &t.team;
    let (role, link) = (shown.role, shown.link);
    let make = move |_| {
        leptos::task::spawn_local(async move {
            match invite_member(Strict(InviteRequest { role: role.get_untracked() })).await {
                Ok(invite) => {
                    link.set(invite.link.map(|path| full_url(&path)));
                    shown.act(current_workspace(Strict(Empty {})));
                }
                Err(e) => shown.problem.set(Some(error_text(t, &e))),
            }
        })
    };
    view! {
        <h3>{team.invite_as}</h3>
        <div class="invite-row">
            <select aria-label=team.invite_as data-testid="invite-role"
                on:change=move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }>
                {[Role::Editor, Role::Viewer, Role::Owner].map(|r| view! {
                    <option value=r.as_str() selected=move || role.get() == r>{(team.role)(r)}</option>
                })}
            </select>
            <button type="button" class="secondary" data-testid="invite-make" on:click=make>{team.make_link}</button>
        </div>
        <p class="muted account-note">{move || (team.role_hint)(role.get())}</p>
        {move || link.get().map(|link| view! { <Secret value=link note=team.link_once test_id="invite-link"/> })}
        {(!view.invites.is_empty()).then(|| view! {
            <h3>{team.pending_invites}</h3>
            <ul class="sessions" data-testid="invites">
                {view.invites.into_iter().map(|i| {
                    let id = i.id;
                    view! {
                        <li class="session">
                            <span class="session-agent">{(team.role)(i.role)}</span>
                            <span class="muted">{(team.expires)(&i.expires_at.format("%Y-%m-%d").to_string())}</span>
                            <button type="button" class="link" data-testid="invite-withdraw"
                                on:click=move |_| shown.act(revoke_invite(Strict(IdRef { id })))>{team.withdraw}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
    }
}

#[component]
fn Tokens(view: WorkspaceView, shown: Shown) -> impl IntoView {
    let t = t();
    let team = &t.team;
    let name = RwSignal::new(String::new());
    let secret = shown.token;
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match create_token(Strict(NameRequest { name: name.get_untracked() })).await {
                Ok(made) => {
                    secret.set(Some(made.token));
                    name.set(String::new());
                    shown.act(current_workspace(Strict(Empty {})));
                }
                Err(e) => shown.problem.set(Some(error_text(t, &e))),
            }
        })
    };
    view! {
        <h3>{team.tokens}</h3>
        <p class="muted account-note">{team.tokens_hint}</p>
        <form class="invite-row" on:submit=make>
            <input aria-label=team.token_name placeholder=team.token_name data-testid="token-name" maxlength="64"
                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            <button type="submit" class="secondary" data-testid="token-make">{team.make_token}</button>
        </form>
        {move || secret.get().map(|token| view! { <Secret value=token note=team.token_once test_id="token-secret"/> })}
        <ul class="sessions" data-testid="tokens">
            {view.tokens.into_iter().map(|token| {
                let id = token.id;
                let used = token.last_used_at.map_or_else(
                    || team.never_used.to_owned(),
                    |at| (team.last_used)(&at.format("%Y-%m-%d %H:%M").to_string()),
                );
                view! {
                    <li class="session" data-testid="token">
                        <span class="session-agent">{token.name}</span>
                        <span class="muted">{used}</span>
                        <button type="button" class="link" data-testid="token-revoke"
                            on:click=move |_| shown.act(revoke_token(Strict(IdRef { id })))>{team.revoke}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A secret shown once (an invite link, a token), selected for copying, with Copy.
#[component]
fn Secret(value: String, note: &'static str, test_id: &'static str) -> impl IntoView {
    let team = &t().team;
    let copied = RwSignal::new(false);
    let text = value.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&text);
            copied.set(true);
        }
        let _ = &text;
    };
    view! {
        <div class="secret">
            <p class="account-note">{note}</p>
            <div class="invite-row">
                <input readonly data-testid=test_id prop:value=value on:focus=move |ev| {
                    #[cfg(feature = "hydrate")]
                    {
                        use leptos::wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }
                    let _ = ev;
                }/>
                <button type="button" class="secondary" on:click=copy>
                    {move || if copied.get() { team.copied } else { team.copy }}
                </button>
            </div>
        </div>
    }
}

/// The invite's path as a link to this server.
fn full_url(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Ok(origin) = window().location().origin() {
        return format!("{origin}{path}");
    }
    path.to_owned()
}
