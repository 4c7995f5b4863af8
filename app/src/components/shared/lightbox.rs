//! The lightbox: a result shown large over the page (an image whole, a video playing with
//! its controls). A row's picture, or "Enlarge" under a video, opens it with focus on its
//! Close button; Escape, that button or a click beside the media closes it, and the focus
//! goes back to the row (see `overlay.rs`).

use super::overlay::Overlay;
use crate::domain::Media;
use crate::i18n::t;
use leptos::prelude::*;

/// What the lightbox shows, if anything; provided by the workspace.
pub type Lightbox = Overlay<Media>;

/// The overlay, shown while something is open.
#[component]
pub fn LightboxView() -> impl IntoView {
    let lightbox = expect_context::<Lightbox>();
    let close_ref = NodeRef::<leptos::html::Button>::new();
    lightbox.wire(close_ref);
    let t = t();
    move || {
        lightbox.shown().map(|media| {
            let url = media.url();
            let shown = if media.is_video() {
                let poster = media.still_url();
                view! { <video src=url poster=poster controls=true autoplay=true data-testid="lightbox-media"></video> }
                    .into_any()
            } else {
                view! { <img src=url alt=t.result_full_size data-testid="lightbox-media"/> }.into_any()
            };
            view! {
                <div class="lightbox" role="dialog" aria-modal="true" aria-label=t.result data-testid="lightbox"
                    on:click=move |_| lightbox.close()>
                    <div class="lightbox-body" on:click=|e| e.stop_propagation()>
                        {shown}
                        <div class="lightbox-bar">
                            <a class="link" href=media.download_url() download="">{t.download}</a>
                            <button type="button" class="secondary" node_ref=close_ref data-testid="lightbox-close"
                                on:click=move |_| lightbox.close()>{t.close}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
