//! The account in the top bar. A guest sees *Sign in*, which opens a dialog to sign in or
//! create an account where the server takes one (what the guest made moves into it); a
//! signed-in person sees their
//! name, which opens the same dialog as the account: the browsers signed in, each of which
//! can be signed out, and *Sign out*. Signing in, up or out reloads the page, so that the
//! queue, the board and the event stream all follow the workspace the session shows.

use crate::api::{account, revoke_session, sign_in, sign_out, sign_up, ApiError, Empty, Strict};
use crate::components::shared::dialog::Dialog;
use crate::components::shared::icons::Icon;
use crate::components::shared::membership::Membership;
use crate::components::shared::navigate::reload;
use crate::components::shared::text::error_text;
use crate::domain::{AccountView, SessionRef, SignInRequest, SignUpMode, SignUpRequest};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Which form the dialog shows.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    SignIn,
    SignUp,
}

/// Whether the account dialog is open, so that others can open it (an invite asks a
/// guest to sign in first). It starts open for a page that needs a sign-in.
#[derive(Clone, Copy)]
pub struct AccountDialog(pub RwSignal<bool>);

impl AccountDialog {
    pub fn new(membership: Membership) -> Self {
        Self(RwSignal::new(!membership.may_read()))
    }
}

#[component]
pub fn AccountMenu() -> impl IntoView {
    let t = t();
    let membership = expect_context::<Membership>();
    let viewer = membership.name();
    // Without guests, a person who is not signed in sees only this dialog.
    let must_sign_in = !membership.may_read();
    let open = expect_context::<AccountDialog>().0;
    let label = viewer.clone().unwrap_or_else(|| t.sign_in.to_owned());
    let (title, name) = (label.clone(), label.clone());
    let signed_in = viewer.is_some();
    view! {
        <button type="button" class="account-button" data-testid="account-open" aria-haspopup="dialog"
            aria-label=label title=title
            aria-expanded=move || open.get().to_string() on:click=move |_| open.set(true)>
            {Icon::User.view(18)}<span class="account-name">{name}</span>
        </button>
        <Dialog open label=if signed_in { t.sessions } else { t.sign_in } test_id="account-dialog" stays=must_sign_in
            title="Atelier">
            {if signed_in { view! { <Sessions/> }.into_any() } else { view! { <Credentials/> }.into_any() }}
        </Dialog>
    }
    .into_any()
}

/// Sign in, or create an account where this server takes one (open, or invite-only with
/// the invite link the page was opened with, which the sign-up carries).
#[component]
fn Credentials() -> impl IntoView {
    let t = t();
    let mode = RwSignal::new(Mode::SignIn);
    let invite = use_query_map().with_untracked(|q| q.get("invite")).filter(|t| !t.is_empty());
    let may_sign_up = match expect_context::<Membership>().sign_up() {
        SignUpMode::Open => true,
        SignUpMode::InviteOnly => invite.is_some(),
        SignUpMode::Closed => false,
    };
    let invite = StoredValue::new(invite);
    let (login, username, email, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer: Result<AccountView, ApiError> = match mode.get_untracked() {
                Mode::SignIn => {
                    let request = SignInRequest { login: login.get_untracked(), password: password.get_untracked() };
                    sign_in(Strict(request)).await
                }
                Mode::SignUp => {
                    let email = Some(email.get_untracked()).filter(|e| !e.trim().is_empty());
                    let request = SignUpRequest {
                        username: username.get_untracked(),
                        email,
                        password: password.get_untracked(),
                        invite: invite.get_value(),
                    };
                    sign_up(Strict(request)).await
                }
            };
            match answer {
                Ok(_) => reload(),
                Err(e) => {
                    problem.set(Some(error_text(t, &e)));
                    busy.set(false);
                }
            }
        });
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      value: RwSignal<String>,
                      auto: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type=kind data-testid=id autocomplete=auto prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))/>
            </div>
        }
    };
    view! {
        <Show when=move || may_sign_up>
            <div class="tabs" role="tablist">
                {[(Mode::SignIn, t.sign_in, "account-tab-sign-in"), (Mode::SignUp, t.sign_up, "account-tab-sign-up")].map(|(m, label, id)| view! {
                    <button type="button" class="tab" role="tab" data-testid=id aria-selected=move || (mode.get() == m).to_string()
                        on:click=move |_| { mode.set(m); problem.set(None); }>{label}</button>
                })}
            </div>
        </Show>
        <form class="account-form" on:submit=send>
            <Show when=move || mode.get() == Mode::SignUp fallback=move || field("account-login", t.login, "text", login, "username")>
                <p class="muted account-note">{t.guest_note}</p>
                {field("account-username", t.username, "text", username, "username")}
                {field("account-email", t.email_optional, "email", email, "email")}
            </Show>
            {move || field("account-password", t.password, "password", password,
                if mode.get() == Mode::SignUp { "new-password" } else { "current-password" })}
            <Show when=move || mode.get() == Mode::SignUp>
                <p class="muted account-note">{t.password_hint}</p>
            </Show>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert" data-testid="account-error">{p}</p> })}
            <button type="submit" class="primary" data-testid="account-submit" disabled=move || busy.get()>
                {move || if mode.get() == Mode::SignUp { t.sign_up } else { t.sign_in }}
            </button>
        </form>
    }
}

/// The signed-in account: its browsers, and signing out.
#[component]
fn Sessions() -> impl IntoView {
    let t = t();
    let shown = RwSignal::new(None::<Result<AccountView, ApiError>>);
    leptos::task::spawn_local(async move { shown.set(Some(account(Strict(Empty {})).await)) });
    let end = move |id| {
        leptos::task::spawn_local(async move { shown.set(Some(revoke_session(Strict(SessionRef { id })).await)) });
    };
    let out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = sign_out(Strict(Empty {})).await;
            reload();
        })
    };
    view! {
        {move || shown.get().map(|answer| match answer {
            Ok(account) => view! {
                <h2 class="dialog-title">{(t.signed_in_as)(&account.username)}</h2>
                <h3 class="muted">{t.sessions}</h3>
                <ul class="sessions" data-testid="sessions">
                    {account.sessions.into_iter().map(|s| {
                        let id = s.id;
                        view! {
                            <li class="session" data-testid="session">
                                <span class="session-agent">{s.user_agent.as_deref().map(browser_name).unwrap_or("?")}</span>
                                <span class="muted">{s.last_seen_at.format("%Y-%m-%d %H:%M").to_string()}</span>
                                {if s.current {
                                    view! { <span class="chip">{t.this_browser}</span> }.into_any()
                                } else {
                                    view! { <button type="button" class="link" data-testid="session-end"
                                        on:click=move |_| end(id)>{t.end_session}</button> }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{error_text(t, &e)}</p> }.into_any(),
        })}
        <button type="button" class="secondary" data-testid="sign-out" on:click=out>{t.sign_out}</button>
    }
}

/// A browser's name from its user agent, for the list of sessions.
fn browser_name(agent: &str) -> &'static str {
    let names =
        [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl")];
    names.iter().find(|(mark, _)| agent.contains(mark)).map_or("Browser", |(_, name)| name)
}
