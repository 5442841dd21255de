package pages

// Names the external tests need.

// CookieLang keeps a reader's explicit language.
const CookieLang = cookieLang
