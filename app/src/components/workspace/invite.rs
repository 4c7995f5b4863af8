//! An invite link (`/?invite=<token>`): once the page is up it asks what the link offers
//! and says it ("ann invited you to Studio as an editor"). A signed-in person joins with
//! one click (the page then shows that workspace); a guest is asked to sign in or create
//! an account first, which reloads the page at the same link. A link that is unknown,
//! used or expired says so.

use crate::api::{accept_invite, show_invite, Strict};
use crate::components::account::AccountDialog;
use crate::components::shared::dialog::Dialog;
use crate::components::shared::membership::Membership;
use crate::components::shared::navigate::reload_at_home;
use crate::components::shared::text::error_text;
use crate::domain::{InviteOffer, InviteToken};
use crate::i18n::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InviteDialog() -> impl IntoView {
    let t = t();
    let team = &t.team;
    let signed_in = expect_context::<Membership>().name().is_some();
    let account = expect_context::<AccountDialog>();
    let token = use_query_map().with_untracked(|q| q.get("invite")).filter(|t| !t.is_empty());
    let open = RwSignal::new(false);
    let offer = RwSignal::new(None::<InviteOffer>);
    let problem = RwSignal::new(None::<String>);
    let token = StoredValue::new(token);
    Effect::new(move |_| {
        let Some(token) = token.get_value() else { return };
        leptos::task::spawn_local(async move {
            match show_invite(Strict(InviteToken { token })).await {
                Ok(found) => offer.set(Some(found)),
                Err(e) => problem.set(Some(error_text(t, &e))),
            }
            open.set(true);
        });
    });
    let join = move |_| {
        let Some(token) = token.get_value() else { return };
        leptos::task::spawn_local(async move {
            match accept_invite(Strict(InviteToken { token })).await {
                Ok(_) => reload_at_home(),
                Err(e) => problem.set(Some(error_text(t, &e))),
            }
        });
    };
    let sign_in = move |_| {
        open.set(false);
        account.0.set(true);
    };
    view! {
        <Dialog open label=team.join test_id="invite-dialog">
            {move || offer.get().map(|o| view! {
                <h2 class="dialog-title">{o.workspace.clone()}</h2>
                <p data-testid="invite-offer">{(team.join_offer)(&o.invited_by, &o.workspace, o.role)}</p>
                <p class="muted account-note">{(team.role_hint)(o.role)}</p>
            })}
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert" data-testid="invite-error">{p}</p> })}
            {move || offer.get().is_some().then(|| if signed_in {
                view! { <button type="button" class="primary" data-testid="invite-join" on:click=join>{team.join}</button> }.into_any()
            } else {
                view! {
                    <p class="account-note">{team.sign_in_to_join}</p>
                    <button type="button" class="primary" data-testid="invite-sign-in" on:click=sign_in>{t.sign_in}</button>
                }.into_any()
            })}
        </Dialog>
    }
}
