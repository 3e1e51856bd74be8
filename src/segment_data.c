/* segment_data.c - the segmenter's built-in words, the one copy of them.
 *
 * Every ruleset starts from these lists, so that the same text gives the same sentences
 * whatever rule files are loaded.  A rule file's `segmenter:` mapping adds words to a list,
 * or with `replace: true` replaces the built-in list of each kind it names (docs/rules.md,
 * "Segmenter data").  Words are compared case-sensitively; an abbreviation's final period and
 * a name's final '!' are optional.  Dotted initials and acronyms (J., U.S., U.N.), a.m./p.m.,
 * etc., decimals, times, ellipses, lists and quotes or brackets after a terminator need no
 * list: the segmenter (segment.c) handles them itself. */
#include "segment.h"

const tt_seg_words tt_segment_builtin[] = {
    /* abbreviations: a period after these never ends a sentence; they stand before a name, a
     * number or a further word of the same phrase ("Mr. Abe", "Lt. Gen. Ito", "Mt. Fuji",
     * "e.g. drones") */
    /* courtesy and civil titles */
    {TT_ABBR_NEVER_ENDS, "Mr. Mrs. Ms. Messrs. Mmes. Dr. Prof. Rev. Hon. Pres. Gov. Sen. Sens. "
                         "Rep. Reps. Amb. Atty. Supt. Insp."},
    /* military ranks (U.S., Japanese and Korean wire usage) */
    {TT_ABBR_NEVER_ENDS, "Gen. Lt. Col. Maj. Capt. Cmdr. Cdr. Adm. Brig. Sgt. Cpl. Pvt. Pfc. "
                         "Spc. Ens."},
    /* comparisons and Latin */
    {TT_ABBR_NEVER_ENDS, "vs. v. approx. e.g. i.e. cf. ca."},
    /* places before a name */
    {TT_ABBR_NEVER_ENDS, "Mt. Ft. Pt."},

    /* abbreviations-may-end: a period after these ends the sentence only when the next word
     * is a starter (below), or at a line end unless a number follows: "He joined Acme Co.
     * Later he left." is two sentences, "Acme Co. Chairman Ito", "No. 5", "Jan. 5" are one */
    /* after a name */
    {TT_ABBR_MAY_END, "Jr. Sr. Esq."},
    /* months (AP style abbreviates these five before a date; the rest for other styles) */
    {TT_ABBR_MAY_END, "Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec."},
    /* numbers and references, usually before a number */
    {TT_ABBR_MAY_END, "No. Nos. N\xC2\xB0. N\xC2\xBA. al. Fig. Figs. Vol. vol. pp. p. Art. Sec. "
                      "Ch. Ref."},                                   /* N°. Nº. */
    /* the same in lowercase ("seat no. 12", "art. 9"): a reference before a number, so the
     * period ends the sentence before any capitalised word, not only a starter */
    {TT_ABBR_MAY_END, "no. nos. art. sec. fig. figs. ch. para."},
    /* companies and organisations, after a name */
    {TT_ABBR_MAY_END, "Corp. Inc. Co. Cos. Ltd. Bros. Assn. Dept. Univ. Govt. Intl."},
    /* U.S. states in AP and newspaper style, after a city ("Newport Beach, Calif.") */
    {TT_ABBR_MAY_END, "Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Ky. La. "
                      "Md. Mass. Mich. Minn. Miss. Mo. Mont. Neb. Nev. Okla. Ore. Pa. Tenn. "
                      "Tex. Va. Vt. Wash. Wis. Wyo."},
    /* streets after a name; St. also stands before one ("St. Luke's", "Main St.") */
    {TT_ABBR_MAY_END, "St. Ave. Blvd. Rd."},

    /* starters: capitalised words that, after an abbreviation that may end, an acronym or an
     * initial, begin a new sentence - words that do not continue a name ("Acme Co. Chairman",
     * "the U.S. Navy").  A starter is a whole word: followed by white space, ',', ';', ':' or
     * an apostrophe ("It's"). */
    /* pronouns, articles and determiners */
    {TT_WORD_STARTER, "A An The I He She It We They You My His Her Its Our Their Your This "
                      "That These Those Each Every Both All Another Other Some Several Many "
                      "Most Few None No One Such Nobody Nothing Everyone Everybody Everything "
                      "Someone Somebody Something Anyone Anybody Anything Neither Either"},
    /* auxiliary verbs and question words */
    {TT_WORD_STARTER, "Are Is Was Were Had Has Have Do Does Did Can Could Should Would Let "
                      "Please What When Where Which Who Why How Whether"},
    /* conjunctions and sentence adverbs */
    {TT_WORD_STARTER, "And But Or Yet So Also Then Thus Hence Still Instead However Moreover "
                      "Furthermore Meanwhile Nevertheless Nonetheless Afterwards Earlier Later "
                      "Now Once Only Not Today Tomorrow Yesterday Here There Although Though "
                      "Because Since While If Until"},
    /* more sentence adverbs, as wire copy opens a sentence after "U.S." or "Co." */
    {TT_WORD_STARTER, "Separately Additionally Elsewhere Consequently Therefore Similarly "
                      "Likewise Otherwise Overall Indeed According Last"},
    /* subjects that open a news sentence after a time, a company or an acronym ("at 10 p.m.
     * Protesters marched", "at the U.N. Delegates voted"), and are not the next word of a
     * name as "Navy" is after "U.S." or "Chairman" after "Co.".  Only before a lowercase
     * word or a number: "U.S. Officials Say ..." is a Title Case headline */
    {TT_WORD_STARTER | TT_WORD_SUBJECT,
     "Officials Authorities Residents Witnesses Protesters Protests Rescuers Investigators "
     "Prosecutors Analysts Lawmakers Critics Experts Leaders Delegates Voters Negotiators "
     "Diplomats Shares Prices Stocks Talks Millions Thousands Hundreds Dozens Two Three Four "
     "Five Six Seven Eight Nine Ten Nearly Almost More"},
    /* prepositions that open a clause */
    {TT_WORD_STARTER, "About After As At Before By Despite During For From In Of On Over To "
                      "Under With Among Besides Unlike"},

    /* names with an exclamation mark: the '!' ends the sentence only before a starter or at a
     * line end ("Yahoo! Japan said", "He works at Yahoo! The company ...") */
    {TT_WORD_BANG_NAME, "Yahoo! Jeopardy! Yum!"},
};

const size_t tt_segment_builtin_count = sizeof tt_segment_builtin / sizeof *tt_segment_builtin;
