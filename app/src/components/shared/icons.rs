//! The page's few icons, as inline SVG line drawings (no font or request needed), drawn in
//! the text's colour. An icon is decoration: the button or badge around it carries the
//! words (a visible label, or an accessible name and a tooltip).

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Image,
    Video,
    Pause,
    Play,
    Download,
    Clear,
    More,
    Bell,
    Sun,
    Moon,
    Options,
    Compose,
    List,
    Board,
    User,
    Team,
    Pending,
    Processing,
    Retrying,
    Completed,
    Failed,
    Cancelled,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Image => "M3 5h18v14H3z M3 16l5-5 4 4 3-3 6 6 M15.5 9.5a1.5 1.5 0 1 0 0.01 0",
            Icon::Video => "M3 6h13v12H3z M16 10l5-3v10l-5-3",
            Icon::Pause => "M8 5v14 M16 5v14",
            Icon::Play => "M7 5l12 7-12 7z",
            Icon::Download => "M12 4v11 M7 10l5 5 5-5 M5 20h14",
            Icon::Clear => "M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13",
            Icon::More => "M5 12h.01 M12 12h.01 M19 12h.01",
            Icon::Bell => "M6 16V11a6 6 0 0 1 12 0v5l2 2H4z M10 20a2 2 0 0 0 4 0",
            Icon::Sun => {
                "M12 8a4 4 0 1 0 0.01 0 M12 2v2 M12 20v2 M4 12H2 M22 12h-2 M5 5l1.5 1.5 M17.5 17.5L19 19 \
                          M5 19l1.5-1.5 M17.5 6.5L19 5"
            }
            Icon::Moon => "M20 14a8 8 0 1 1-10-10 6 6 0 0 0 10 10z",
            Icon::Compose => "M4 20h4L19 9l-4-4L4 16z M13 7l4 4",
            Icon::List => "M9 6h11 M9 12h11 M9 18h11 M4 6h.01 M4 12h.01 M4 18h.01",
            Icon::Board => "M4 4h7v7H4z M13 4h7v7h-7z M4 13h7v7H4z M13 13h7v7h-7z",
            Icon::User => "M12 4a4 4 0 1 0 0.01 0 M4 21a8 8 0 0 1 16 0",
            Icon::Team => "M9 5a3.5 3.5 0 1 0 0.01 0 M2 20a7 7 0 0 1 14 0 M16 4.5a3 3 0 0 1 0 6 M18 14a6 6 0 0 1 4 6",
            Icon::Options => "M4 7h10 M18 7h2 M4 17h4 M12 17h8 M16 5v4 M10 15v4",
            Icon::Pending => "M12 4a8 8 0 1 0 0.01 0 M12 8v4l3 2",
            Icon::Processing => "M12 4a8 8 0 0 1 8 8",
            Icon::Retrying => "M5 12a7 7 0 0 1 12-5l2 2 M19 4v5h-5 M19 12a7 7 0 0 1-12 5l-2-2 M5 20v-5h5",
            Icon::Completed => "M5 12l5 5 9-10",
            Icon::Failed => "M12 5v9 M12 18v1",
            Icon::Cancelled => "M6 6l12 12 M18 6L6 18",
        }
    }

    /// The icon at `size` px.
    pub fn view(self, size: u32) -> impl IntoView {
        view! {
            <svg class="icon" viewBox="0 0 24 24" width=size height=size aria-hidden="true" fill="none"
                stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
                <path d=self.path()></path>
            </svg>
        }
    }
}
