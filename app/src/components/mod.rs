//! The page: a slim top bar; the whiteboard on the left and the generation panel (the
//! composer above the queue) on the right, with a draggable edge between them.
//! This file holds the shell, `App` and the workspace that provides every feature's state.
//! Features, each with its state apart from its views: `queue/` (the task list and all it
//! does), `board/` (the whiteboard), `form/` (the generation form). Under them, `shared/`:
//! what every feature uses (clock, overlays, toasts, language, shared words). Over them,
//! what spans features: `live.rs` (the event stream feeding the queue and the board),
//! `notify.rs` (telling the user when tasks finish), `topbar.rs` (the page's header),
//! `account.rs` and `workspace/` (who is signed in, and the workspace shown) and
//! `phonebar.rs` (the phone's bottom bar).
//! No file imports one that imports it back (`scripts/import-cycles.py`).

mod account;
mod board;
mod form;
mod live;
mod notify;
mod phonebar;
mod queue;
mod shared;
mod topbar;
mod workspace;

use crate::i18n::{t, Locale};
use account::AccountDialog;
use board::state::Board;
use board::whiteboard::Whiteboard;
use form::handle::FormHandle;
use form::GenerateForm;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::StaticSegment;
use phonebar::PhoneBar;
use queue::details::DetailsDrawer;
use queue::groups::OpenGroups;
use queue::highlight::Highlight;
use queue::opened::Details;
use queue::panel::QueuePanel;
use queue::state::Queue;
use shared::clock::Clock;
use shared::language::PageLanguage;
use shared::lightbox::{Lightbox, LightboxView};
use shared::membership::Membership;
use shared::phone::PhoneView;
use shared::resizer::{PanelResizer, PanelWidth};
use shared::toast_list::ToastList;
use shared::toasts::Toasts;
use topbar::TopBar;
use workspace::{InviteDialog, ViewerNote};

/// A small easel-blue square, inline so that no request is needed for it.
const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E\
%3Crect width='16' height='16' rx='3' fill='%233b5bdb'/%3E%3Cpath d='M4 12l3-8 2 5 1-2 2 5' fill='none' \
stroke='white' stroke-width='1.5'/%3E%3C/svg%3E";

/// The HTML document around [`App`], rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang=Locale::of_page().tag()>
            <head>
                <meta charset="utf-8"/>
                // The remembered theme before the first paint (no flash of the other one).
                <script nonce=use_nonce() inner_html=shared::theme::EARLY_SCRIPT></script>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href=FAVICON/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet id="atelier" options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application root: metadata and the one route.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(Locale::of_page());
    view! {
        <Title text="Atelier"/>
        <Router>
            <Routes fallback=|| "Page not found.">
                <Route path=StaticSegment("") view=Workspace/>
            </Routes>
        </Router>
    }
}

/// The workspace page. `data-hydrated` turns true once the WASM has taken over, which the
/// end-to-end tests wait for (a page that fails to hydrate fails them). Every feature's
/// state lives here, above the view: choosing another language draws the view again in it
/// and nothing typed or loaded is lost.
#[component]
fn Workspace() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let membership = Membership::new();
    provide_context(membership);
    provide_context(AccountDialog::new(membership));
    let clock = Clock::new();
    provide_context(clock);
    let queue = Queue::new(clock);
    provide_context(queue);
    provide_context(FormHandle::new().remembered());
    provide_context(Lightbox::new());
    let toasts = Toasts::new();
    provide_context(toasts);
    let phone = PhoneView::new();
    provide_context(phone);
    let board = Board::new(toasts, phone);
    provide_context(board);
    provide_context(Details::new());
    provide_context(Highlight::new());
    provide_context(OpenGroups::new());
    let away = notify::Away::new(toasts);
    live::follow(queue, board, toasts, away);
    let language = PageLanguage::new();
    provide_context(language);
    let width = PanelWidth::new();
    view! {
        <main class="workspace" data-testid="workspace" data-hydrated=move || hydrated.get().to_string()
            style=move || width.style() data-pane=move || phone.pane().as_str()>
            {move || {
                language.track();
                let t = t();
                view! {
                    <TopBar/>
                    <Whiteboard/>
                    <PanelResizer width/>
                    <aside class="panel" aria-label=t.panel>
                        {if membership.can_edit() {
                            view! { <GenerateForm/> }.into_any()
                        } else {
                            view! { <ViewerNote/> }.into_any()
                        }}
                        <QueuePanel/>
                    </aside>
                    <PhoneBar/>
                    <InviteDialog/>
                    <DetailsDrawer/>
                    <LightboxView/>
                    <ToastList/>
                }
                .into_any()
            }}
        </main>
    }
    .into_any()
}
