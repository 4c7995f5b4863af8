//! Prompt search, the one rule: a task matches when its prompt, folded to lower case,
//! contains the search folded the same way (any case, every character literal, `%` and
//! `_` included). The browser narrows its list with [`contains_folded`]; the server keeps
//! [`fold`]ed prompts and indexes them, and [`Lookup`] says which index answers a search:
//! trigrams (three characters or more), the CJK gram table (one or two CJK characters,
//! since a trigram index cannot hold them and such words are common), or, for one or two
//! other characters, a scan of the owner's folded prompts.

use std::collections::BTreeSet;

/// Whether `text` contains `needle`, ignoring case.
pub fn contains_folded(text: &str, needle: &str) -> bool {
    fold(text).contains(&fold(needle))
}

/// The text as search compares it: Unicode lower case.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// How the server finds the tasks whose folded prompt contains a folded search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Three characters or more: a trigram index (SQLite FTS5, PostgreSQL `pg_trgm`).
    Trigrams(String),
    /// One or two CJK characters: the gram table, which holds every such gram of every
    /// prompt ([`cjk_grams`]).
    Grams(String),
    /// One or two other characters: too short for any index and rarely selective; the
    /// owner's folded prompts are scanned.
    Scan(String),
}

impl Lookup {
    /// How to look up `search` (any case; not blank).
    pub fn of(search: &str) -> Self {
        let folded = fold(search);
        let chars = folded.chars().count();
        if chars >= 3 {
            Self::Trigrams(folded)
        } else if folded.chars().all(is_cjk) {
            Self::Grams(folded)
        } else {
            Self::Scan(folded)
        }
    }
}

/// Every distinct run of one or two CJK characters in the folded `prompt`: what the
/// gram table holds for a task, so that any search [`Lookup::Grams`] routes there finds
/// it.
pub fn cjk_grams(prompt: &str) -> BTreeSet<String> {
    let chars: Vec<char> = fold(prompt).chars().collect();
    let mut grams = BTreeSet::new();
    for (i, &c) in chars.iter().enumerate() {
        if !is_cjk(c) {
            continue;
        }
        grams.insert(c.to_string());
        if let Some(&next) = chars.get(i + 1).filter(|&&n| is_cjk(n)) {
            grams.insert([c, next].iter().collect());
        }
    }
    grams
}

/// Han ideographs, kana and Hangul: scripts written without spaces, where one or two
/// characters make a word.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'     // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK Unified Ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK Compatibility Ideographs
        | '\u{20000}'..='\u{3134F}' // CJK Extensions B to G
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_follow_length_and_script() {
        assert_eq!(Lookup::of("CAT"), Lookup::Trigrams("cat".into()));
        assert_eq!(Lookup::of("猫咪"), Lookup::Grams("猫咪".into()));
        assert_eq!(Lookup::of("猫"), Lookup::Grams("猫".into()));
        assert_eq!(Lookup::of("夕阳下"), Lookup::Trigrams("夕阳下".into()));
        assert_eq!(Lookup::of("%"), Lookup::Scan("%".into()));
        assert_eq!(Lookup::of("猫a"), Lookup::Scan("猫a".into()));
        assert_eq!(Lookup::of("Éc"), Lookup::Scan("éc".into()));
    }

    #[test]
    fn grams_hold_every_short_cjk_search_that_matches() {
        let prompt = "A cat 猫咪 under the 夕阳, ねこ and 고양이";
        let grams = cjk_grams(prompt);
        for search in ["猫", "猫咪", "咪", "夕阳", "ね", "ねこ", "고양", "양이"] {
            assert!(contains_folded(prompt, search), "{search}");
            assert!(grams.contains(search), "{search} missing from {grams:?}");
        }
        // Never across a non-CJK character, and nothing Latin.
        assert!(!grams.contains("咪 ") && !grams.contains("阳,") && !grams.contains("a"));
        assert_eq!(grams.len(), 14, "{grams:?}");
    }

    #[test]
    fn folding_is_unicode_lower_case() {
        assert!(contains_folded("ÉCOLE d'été", "école"));
        assert!(contains_folded("100% Cotton_Shirt", "0% c"));
        assert!(!contains_folded("cotton shirt", "n_s"));
    }
}
