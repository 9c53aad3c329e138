#pragma once
// Swift cannot import ncurses' macros or its global mutable variables (stdscr, COLS, LINES):
// these accessors give them a callable form. See SWIFT-NOTES.md.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <curses.h>

static inline WINDOW *blitz_stdscr(void) { return stdscr; }
static inline void blitz_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }
static inline attr_t blitz_A_BOLD(void) { return A_BOLD; }
static inline attr_t blitz_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t blitz_A_DIM(void) { return A_DIM; }
static inline attr_t blitz_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t blitz_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t blitz_COLOR_PAIR(int n) { return COLOR_PAIR(n); }
static inline int blitz_KEY_RESIZE(void) { return KEY_RESIZE; }
static inline int blitz_ERR(void) { return ERR; }
/* After start_color: how many colours the terminal has (8, 256, ...) and how many colour pairs. */
static inline int blitz_COLORS(void) { return COLORS; }
static inline int blitz_COLOR_PAIRS(void) { return COLOR_PAIRS; }
/* Whether the terminal can move the cursor to a row and column (terminfo's cup); a screen
   cannot be drawn on one that cannot (TERM=dumb, hard-copy terminals). */
static inline int blitz_can_address_cursor(void) {
    const char *cup = tigetstr("cup");
    return cup != NULL && cup != (const char *)-1;
}
