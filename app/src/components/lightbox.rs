//! The lightbox: a result shown large over the page (an image whole, a video playing with
//! its controls). A row's picture, or "Enlarge" under a video, opens it with focus on its
//! Close button; Escape, that button or a click beside the media closes it.

use crate::domain::ContentView;
use crate::i18n::t;
use leptos::prelude::*;

/// What the lightbox shows, if anything; provided by the workspace.
#[derive(Clone, Copy)]
pub struct Lightbox(RwSignal<Option<ContentView>>);

impl Lightbox {
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    pub fn open(self, content: ContentView) {
        self.0.set(Some(content));
    }

    fn close(self) {
        self.0.set(None);
    }
}

/// The overlay, shown while something is open.
#[component]
pub fn LightboxView() -> impl IntoView {
    let lightbox = expect_context::<Lightbox>();
    let close_ref = NodeRef::<leptos::html::Button>::new();
    let _escape = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && lightbox.0.get_untracked().is_some() {
            lightbox.close();
        }
    });
    Effect::new(move |_| {
        if let (Some(_), Some(button)) = (lightbox.0.get(), close_ref.get()) {
            let _ = button.focus();
        }
    });
    let t = t();
    move || {
        lightbox.0.get().map(|content| {
            let url = content.url();
            let media = if content.media_type.starts_with("video/") {
                let poster = content.thumbnail_url();
                view! { <video src=url poster=poster controls=true autoplay=true data-testid="lightbox-media"></video> }
                    .into_any()
            } else {
                view! { <img src=url alt=t.result_full_size data-testid="lightbox-media"/> }.into_any()
            };
            view! {
                <div class="lightbox" role="dialog" aria-modal="true" aria-label=t.result data-testid="lightbox"
                    on:click=move |_| lightbox.close()>
                    <div class="lightbox-body" on:click=|e| e.stop_propagation()>
                        {media}
                        <div class="lightbox-bar">
                            <a class="link" href=content.download_url() download="">{t.download}</a>
                            <button type="button" class="secondary" node_ref=close_ref data-testid="lightbox-close"
                                on:click=move |_| lightbox.close()>{t.close}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
