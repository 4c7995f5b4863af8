//! The interface's two languages, English and Simplified Chinese: which one a request gets
//! (the `atelier-lang` cookie the switcher sets, else the browser's `Accept-Language`), and
//! the text of each ([`Text`]), wire values' names included ([`Label`]). The server renders
//! the page in that language and marks it on `<html lang>`; the browser reads it back from
//! there when it hydrates. Knows the domain's types, never the API or the components.

mod en;
mod labels;
mod team;
mod text;
mod zh;

pub use labels::{service_name, Label};
pub use text::{Ago, Text};

use leptos::prelude::*;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
    ZhCn,
}

impl Locale {
    /// The cookie that remembers the reader's choice.
    pub const COOKIE: &'static str = "atelier-lang";
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// The BCP 47 tag, as in `<html lang>` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, for the switcher.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "简体中文",
        }
    }

    /// `en`, `en-GB`, `zh`, `zh-CN`, `zh-Hans-CN`, ... (any case); `None` for any other language.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "zh" => Some(Locale::ZhCn),
            _ => None,
        }
    }

    /// The reader's language: the remembered choice, else the first language of
    /// `Accept-Language` by preference (`q`) that the interface speaks, else English.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        if let Some(chosen) = cookie.and_then(Self::from_tag) {
            return chosen;
        }
        let mut offered: Vec<(f32, usize, Locale)> = accept_language
            .unwrap_or_default()
            .split(',')
            .enumerate()
            .filter_map(|(order, item)| {
                let mut parts = item.split(';');
                let locale = Self::from_tag(parts.next()?)?;
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (q > 0.0).then_some((q, order, locale))
            })
            .collect();
        offered.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        offered.first().map_or(Locale::En, |(_, _, locale)| *locale)
    }

    pub fn text(self) -> &'static Text {
        match self {
            Locale::En => &en::TEXT,
            Locale::ZhCn => &zh::TEXT,
        }
    }

    /// The page's language: on the server, what the request asked for (provided by the
    /// page handler); in the browser, what the server wrote on `<html lang>`.
    pub fn of_page() -> Self {
        #[cfg(feature = "hydrate")]
        if let Some(lang) = crate::browser::document().and_then(|d| d.document_element()) {
            return lang.get_attribute("lang").as_deref().and_then(Self::from_tag).unwrap_or_default();
        }
        use_context::<Locale>().unwrap_or_default()
    }

    /// Remembers `self` for this browser (the server renders the next page in it) and
    /// makes it the page's language: the view drawn next speaks it.
    pub fn choose(self) {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            if let Some(doc) = crate::browser::document().and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok()) {
                let cookie = format!("{}={}; path=/; max-age=31536000; samesite=lax", Self::COOKIE, self.tag());
                let _ = doc.set_cookie(&cookie);
            }
            crate::browser::set_root_attribute("lang", self.tag());
        }
    }
}

/// The text of the page's language (see [`Locale::of_page`]; works in event handlers too).
pub fn t() -> &'static Text {
    Locale::of_page().text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remembered_choice_wins() {
        assert_eq!(Locale::negotiate(Some("zh-CN"), Some("en-US,en;q=0.9")), Locale::ZhCn);
        assert_eq!(Locale::negotiate(Some("en"), Some("zh-CN")), Locale::En);
        assert_eq!(Locale::negotiate(Some("fr"), Some("zh-CN")), Locale::ZhCn, "an unknown cookie is ignored");
    }

    #[test]
    fn accept_language_is_read_by_preference() {
        let pick = |header| Locale::negotiate(None, Some(header));
        assert_eq!(pick("zh-CN,zh;q=0.9,en;q=0.8"), Locale::ZhCn);
        assert_eq!(pick("en-GB,en;q=0.9"), Locale::En);
        assert_eq!(pick("fr-FR, en;q=0.5, zh-Hans;q=0.8"), Locale::ZhCn, "q decides, not order");
        assert_eq!(pick("fr, de;q=0.9"), Locale::En, "nothing spoken: English");
        assert_eq!(pick("zh;q=0, en;q=0.1"), Locale::En, "q=0 means not acceptable");
        assert_eq!(pick("ZH-tw;q=0.7, en;q=0.7"), Locale::ZhCn, "equal q: the first listed");
        assert_eq!(pick("zh;q=abc"), Locale::En, "an unreadable q is skipped");
        assert_eq!(Locale::negotiate(None, None), Locale::En);
    }

    #[test]
    fn every_failure_code_has_words_in_both_languages() {
        for code in crate::domain::FAILURE_CODES {
            let (en, zh) = ((Locale::En.text().failure_words)(code), (Locale::ZhCn.text().failure_words)(code));
            assert!(en.is_some_and(|w| w.len() > 5), "no English words for {code}");
            let zh = zh.unwrap_or_else(|| panic!("no Chinese words for {code}"));
            assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "English left in the Chinese words for {code}: {zh}");
        }
        assert_eq!((Locale::En.text().failure_words)("no_such_code"), None);
        for code in ["service_unavailable", "timed_out", "storage"] {
            for locale in Locale::ALL {
                assert!((locale.text().waiting_on)(code).is_some(), "{locale:?} cannot say a task waits on {code}");
            }
        }
    }

    #[test]
    fn a_refused_line_of_a_batch_is_named_in_both_languages() {
        let refusal = |prompt: String| {
            let request = crate::domain::SubmitRequest { kind: "image".into(), prompt, ..Default::default() };
            request.validate().unwrap_err().for_field("prompt").cloned().unwrap()
        };
        let say = |locale: Locale, e: &crate::domain::FieldError| (locale.text().field_error)(e);
        let long = refusal(format!("ok\n{}", "x".repeat(crate::domain::Prompt::MAX_CHARS + 1)));
        assert!(say(Locale::En, &long).starts_with("Line 2 of the prompt has 4001 characters"));
        assert!(say(Locale::ZhCn, &long).starts_with("第 2 行超过 4000 个字符"), "{}", say(Locale::ZhCn, &long));
        let hidden = refusal("ok\n\nbad \u{0}".into());
        assert!(say(Locale::En, &hidden).starts_with("Line 3 of the prompt holds"));
        assert!(say(Locale::ZhCn, &hidden).starts_with("提示词第 3 行里有看不见的控制字符"));
        let whole = refusal("a\n".repeat(crate::domain::MAX_BATCH_CHARS));
        assert_eq!(say(Locale::ZhCn, &whole), "提示词全文最多 200000 个字符。");
    }

    #[test]
    fn tags_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }
}
