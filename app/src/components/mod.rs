//! The page: whiteboard on the left, generation panel (form above queue) on the right.

mod actions;
mod board_item;
mod clock;
mod details;
mod field;
mod filters;
mod form;
mod form_state;
mod health;
mod language;
mod lightbox;
mod live;
mod notify;
mod overlay;
mod queue;
mod queue_panel;
mod task_list;
mod task_row;
mod toast;
mod whiteboard;

use crate::i18n::{t, Locale};
use clock::Clock;
use form::{FormHandle, GenerateForm};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::StaticSegment;
use lightbox::{Lightbox, LightboxView};
use queue::Queue;
use queue_panel::QueuePanel;
use whiteboard::Whiteboard;

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
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href=FAVICON/>
                <AutoReload options=options.clone()/>
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
        <Stylesheet id="atelier" href="/pkg/atelier.css"/>
        <Title text="Atelier"/>
        <Router>
            <Routes fallback=|| "Page not found.">
                <Route path=StaticSegment("") view=Workspace/>
            </Routes>
        </Router>
    }
}

/// The workspace page. `data-hydrated` turns true once the WASM has taken over, which the
/// end-to-end tests wait for (a page that fails to hydrate fails them).
#[component]
fn Workspace() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let clock = Clock::new();
    provide_context(clock);
    let queue = Queue::new(clock);
    provide_context(queue);
    provide_context(FormHandle::new());
    provide_context(Lightbox::new());
    let board = whiteboard::Board::new();
    provide_context(board);
    provide_context(details::Details::new());
    let toasts = toast::Toasts::new();
    provide_context(toasts);
    let away = notify::Away::new(toasts);
    live::follow(queue, board, toasts, away);
    let t = t();
    view! {
        <main class="workspace" data-testid="workspace" data-hydrated=move || hydrated.get().to_string()>
            <Whiteboard/>
            <aside class="panel" aria-label=t.panel>
                <language::LanguagePicker/>
                <GenerateForm/>
                <QueuePanel/>
            </aside>
            <details::DetailsDrawer/>
            <LightboxView/>
            <toast::ToastList/>
        </main>
    }
    .into_any()
}
