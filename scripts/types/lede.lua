---@meta lede
-- Type annotations of the lede Lua API for the Lua Language Server (LuaLS):
-- completion, hover help and type checks in an editor.  `lede types DIR`
-- copies this file to DIR/.lede/types and writes a .luarc.json that points
-- LuaLS at it.  This file is never run; tests/test_types.c checks that it
-- names every field and function the C bindings register, and nothing else.
--
-- In a script, type its two inputs with:
--   ---@type lede.Document, lede.Args
--   local doc, args = ...

---The options a script was given: `-D key=value`, and a bundled or user
---script's own `--key value` / `--flag` (a flag's value is `"true"`).
---All values are strings; `args.to` is the `--to` format when one was given.
---@class lede.Args
---@field [string] string

---Options of `lede.load`.
---@class lede.LoadOptions
---@field format? "text"|"markdown" # default "text"
---@field paragraphs? "auto"|"blank"|"line" # how plain text splits into paragraphs (default "auto")
---@field replace_invalid? boolean # replace invalid UTF-8 and NUL bytes with U+FFFD instead of failing
---@field language? string # sentence rules: "en" (default), "de", "fr", "es", "it", "nl" or an English name
---@field quotes? "split"|"keep" # a quotation of several sentences: split (default) or kept in one sentence

---Options of `lede.sentences`.
---@class lede.SentenceOptions
---@field language? string # as lede.LoadOptions.language
---@field quotes? "split"|"keep" # as lede.LoadOptions.quotes

---Options of `doc:render`.
---@class lede.RenderOptions
---@field standalone? boolean # HTML: a complete page (title, UTF-8, stylesheet)
---@field unsafe? boolean # HTML: keep raw HTML and any link URL

---A loaded document.  Read `doc.sentences` and `doc.paragraphs`, edit them,
---and return the document (or nothing) to have it rendered.
---@class lede.Document
---@field paragraphs lede.Paragraph[] # the paragraphs not removed (a snapshot: `#`, `[i]`, `ipairs`)
---@field sentences lede.Sentence[] # the sentences not removed, in order (a snapshot)
---@field source string # the bytes as loaded; offsets point into it
---@field format "text"|"markdown" # the format it was loaded as
---@field closed boolean # true after `doc:close()`
local Document = {}

---The document with every edit applied, in format `fmt` (default: its own format).
---@param fmt? "text"|"markdown"|"html"|"json"
---@param opts? lede.RenderOptions
---@return string
function Document:render(fmt, opts) end

---Frees the document now; any later use of it or its items raises.
---Idempotent, and also what `<close>` and garbage collection do.
function Document:close() end

---A paragraph (or heading, list item, quote, code block) of a document.
---@class lede.Paragraph
---@field text string # the text, with edits applied; assigning replaces it (the first sentence takes it, the others go)
---@field index integer # 1-based position as loaded; edits never renumber
---@field start integer # first byte in `doc.source` (1-based, inclusive)
---@field stop integer # last byte in `doc.source` (inclusive)
---@field removed boolean # true once removed (readable on a removed item)
---@field kind "paragraph"|"heading"|"item"|"quote"|"code"|"html"
---@field level integer? # heading level 1-6; nil for other kinds
---@field depth integer # nesting depth (Markdown lists and quotes); 0 at top level
---@field sentences lede.Sentence[] # its sentences not removed
---@field document lede.Document # the document it belongs to
local Paragraph = {}

---Removes the paragraph and the separator after it.
function Paragraph:remove() end

---A sentence.  Assigning `s.text` replaces it; `s:replace` edits a part.
---@class lede.Sentence
---@field text string # the text, with edits applied
---@field index integer # 1-based position as loaded; edits never renumber
---@field start integer # first byte in `doc.source` (1-based, inclusive)
---@field stop integer # last byte in `doc.source` (inclusive)
---@field removed boolean # true once removed (readable on a removed item)
---@field paragraph lede.Paragraph # the paragraph it belongs to
---@field words lede.Word[] # its words
---@field edited boolean # true once its text was changed
---@field document lede.Document # the document it belongs to
local Sentence = {}

---Replaces bytes i..j of `s.text` (1-based, inclusive, with `string.sub`'s
---rules for negative positions) with `repl`; `j = i - 1` inserts before byte i.
---@param i integer
---@param j integer
---@param repl string
---@return lede.Sentence self
function Sentence:replace(i, j, repl) end

---Removes the sentence and the space after it.
function Sentence:remove() end

---A word of a sentence.
---@class lede.Word
---@field text string
---@field index integer # 1-based position in its sentence
---@field start integer? # first byte in `doc.source`; nil once the sentence was edited
---@field stop integer? # last byte in `doc.source`; nil once the sentence was edited
---@field sentence lede.Sentence # the sentence it belongs to

---Extra abbreviations for this run: a period after them does not end a
---sentence.  Documents segmented afterwards use them.
---@class lede.abbreviations
local abbreviations = {}

---Adds abbreviations (with or without the final period, 1 to 64 bytes, no white space).
---@param word string
---@param ... string
function abbreviations.add(word, ...) end

---Whether `word` (with or without the final period) is a known abbreviation.
---@param word string
---@return boolean
function abbreviations.has(word) end

---A match found by `lede.redact.scan`.
---@class lede.RedactMatch
---@field type string # "EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "IP_ADDRESS", "URL", "US_SSN", "DATE" or a custom type
---@field start integer # first byte in the text (1-based, inclusive)
---@field stop integer # last byte in the text (inclusive)
---@field text string
---@field validated boolean # a validator (Luhn, IBAN checksum, ...) accepted it

---Options of `lede.redact.scan`.
---@class lede.RedactScanOptions
---@field types? string|string[] # "email,phone" or {"EMAIL", "PHONE"} (default: all)
---@field custom? boolean # include the recognizers added with `lede.redact.add` (default true)
---@field overlaps? boolean # keep overlapping matches (default false: one policy picks one)

---A custom recognizer for `lede.redact.add`: a pattern or a list of words.
---@class lede.RedactRecognizer
---@field type? string # upper-case name, 1 to 32 bytes (default "CUSTOM")
---@field pattern? string|function|table # a Lua pattern, a function(text, init) -> start, stop, or an LPeg pattern
---@field words? string[] # exact words or phrases instead of a pattern
---@field validator? string|fun(text: string): boolean # a built-in validator's name or a function

---Finding personal data (the engine of `lede redact`): recognizers in C with
---validators, custom recognizers, keyed hashing and the few files redaction needs.
---@class lede.redact
---@field validators table<string, fun(text: string): boolean> # the built-in validators by name
---@field types string[] # the names of the built-in types
---@field card fun(text: string): boolean # whole text is a credit card number (Luhn-valid)
---@field credit_card fun(text: string): boolean # same as `card`
---@field ssn fun(text: string): boolean # whole text is a US social security number
---@field us_ssn fun(text: string): boolean # same as `ssn`
---@field email fun(text: string): boolean # whole text is an e-mail address
---@field url fun(text: string): boolean # whole text is a URL
---@field ip fun(text: string): boolean # whole text is an IPv4 or IPv6 address
---@field ip_address fun(text: string): boolean # same as `ip`
---@field phone fun(text: string): boolean # whole text is a phone number
---@field date fun(text: string): boolean # whole text is a date
local redact = {}

---The personal data in `text`, in order.
---@param text string
---@param opts? lede.RedactScanOptions
---@return lede.RedactMatch[]
function redact.scan(text, opts) end

---Adds a custom recognizer for this run (`scan` uses it unless `custom = false`).
---@param recognizer lede.RedactRecognizer
function redact.add(recognizer) end

---Forgets the custom recognizers.
function redact.clear() end

---Whether the digits of `text` (spaces and '-' allowed) pass the Luhn check.
---@param text string
---@return boolean
function redact.luhn(text) end

---Whether `text` is an IBAN with a valid checksum.
---@param text string
---@return boolean
function redact.iban(text) end

---HMAC-SHA-256 of `message` under `key`, as 64 hex digits.
---@param key string
---@param message string
---@return string
function redact.hmac(key, message) end

---The contents of the file at `path`, or nil and a message.  A sandboxed
---script may only read a file named as an option value on the command line.
---@param path string
---@return string? contents
---@return string? err
function redact.read(path) end

---Writes `data` to `path` atomically (mode default 0644); true, or nil and a
---message.  Sandboxed: only a file named as an option value on the command line.
---@param path string
---@param data string
---@param mode? integer
---@return boolean? ok
---@return string? err
function redact.write(path, data, mode) end

---The `lede` module: a global in scripts, `require "lede"` elsewhere.
---@class lede
---@field version string # the library version, e.g. "0.1.0"
---@field abbreviations lede.abbreviations
---@field redact lede.redact
---@field host table<string, fun(...: any): string?> # functions the embedding program registered (nil when not registered)
lede = {}

---A new document from `text`; nil and a message when the text is not valid
---UTF-8 (unless `replace_invalid`) or larger than the input limit.
---@param text string
---@param opts? lede.LoadOptions
---@return lede.Document? doc
---@return string? err
function lede.load(text, opts) end

---The sentences of `text` (split into paragraphs first, as plain text is).
---@param text string
---@param opts? lede.SentenceOptions
---@return string[]
function lede.sentences(text, opts) end

---The words of `text`.
---@param text string
---@return string[]
function lede.words(text) end

---Counts in `text`: words, syllables (an English estimate) and characters (code points).
---@param text string
---@return integer words
---@return integer syllables
---@return integer characters
function lede.count(text) end

---`text` with every run of white space collapsed to one space, trimmed.
---@param text string
---@return string
function lede.squish(text) end

---Compact JSON of `value` (object keys sorted; lede lists become arrays,
---items their text).  Raises on cycles, functions, NaN and infinity.
---@param value any
---@return string
function lede.json(value) end

---Appends strings (or numbers) to the script's output, streamed.
---@param ... string|number
function lede.write(...) end

---Writes every sentence of `doc` in C, byte for byte what the Lua loop
---would: "lines" is `lede.squish(s.text) .. "\n"` each (the default),
---"json" the array of `lede sentences --json`.
---@param doc lede.Document
---@param format? "lines"|"json"
function lede.write_sentences(doc, format) end

---Lower-cased word tokens of `text`: the words of `lede.words`, Unicode case-folded.
---@param text string
---@return string[]
function lede.tokens(text) end

---The Snowball stem of `word` (default language "english"); an array of
---words gives an array of stems.
---@param word string|string[]
---@param language? string # a Snowball name ("french") or ISO code ("fr")
---@return string|string[]
function lede.stem(word, language) end

---The Snowball algorithms available (every language libstemmer ships).
---@return string[]
function lede.stemmers() end

---A set `{word = true}` of stop words: English built in (NLTK's list), other
---languages from `stopwords/LANGUAGE.txt` on the script path; nil and a
---message when there is none.
---@param language? string
---@return table<string, boolean>? set
---@return string? err
function lede.stopwords(language) end

---Options of `lede.terms`.
---@class lede.TermsOptions
---@field language? string # Snowball name or ISO code (default "english")
---@field stopwords? table<string, boolean>|false # words left out (default: none)

---For an array of texts, in one pass: per text its content terms as integer
---ids (words lower-cased, stop words left out, stemmed), the vocabulary
---(`vocabulary[id]` is the stem) and per text its number of words.
---@param texts string[]
---@param opts? lede.TermsOptions
---@return integer[][] sets
---@return string[] vocabulary
---@return integer[] words
function lede.terms(texts, opts) end

---Options of `lede.centrality`.
---@class lede.CentralityOptions
---@field window? integer # sentences each one is compared with, after it (default 50)
---@field threshold? number # lexrank: the least similarity that makes an edge (default 0.1)
---@field damping? number # PageRank damping (default 0.85)

---Sentence scores from arrays of integer term ids (one array per sentence):
---"textrank" and "lexrank" (PageRank; the scores sum to 1) or "centroid"
---(idf-cosine to the rest of the document).
---@param sets integer[][]
---@param method "textrank"|"lexrank"|"centroid"
---@param opts? lede.CentralityOptions
---@return number[]
function lede.centrality(sets, method, opts) end

-- module-only: `require "lede"` from a stock Lua 5.4 adds this one.
---Runs a script (a path, or the name of a bundled or user script) on `doc`
---in a fresh sandboxed engine; its edits stay in `doc`.  Only in
---`require "lede"` from a stock Lua 5.4, not inside scripts.
---@param script string
---@param doc lede.Document
---@param args? table<string, any>
---@return string? output
---@return string? err
function lede.run(script, doc, args) end

return lede
