// Light or dark, as the desktop says. Qt follows the system by itself on macOS, Windows and
// KDE (their platform themes hand it a palette); on GNOME and other GTK desktops Qt 6.4 has
// no platform theme and would stay light under a dark desktop. So the app reads the desktop's
// preference itself and, when it is dark and Qt's palette is not, switches to a dark one.
#pragma once

#include <QPalette>
#include <QString>

namespace shoebox::app {

// What the desktop says, as read from the environment and its settings store.
struct ThemeHints {
  QString forced;        // $SHOEBOX_THEME: "dark" or "light" wins over everything
  QString gtk_theme;     // $GTK_THEME, e.g. "Adwaita:dark"
  QString color_scheme;  // GNOME 42+: org.gnome.desktop.interface color-scheme
  QString gtk_setting;   // org.gnome.desktop.interface gtk-theme, e.g. "Adwaita-dark"
};
ThemeHints ReadThemeHints();  // asks gsettings when it is installed (at most 1 s)

// Whether the hints ask for dark; a palette already dark (a platform theme that follows the
// system) counts as dark too.
bool PrefersDark(const ThemeHints& hints, const QPalette& current);
QPalette DarkPalette();
bool IsDark(const QPalette& palette);

// Reads the hints and, when they say dark and the palette is light, applies the Fusion style
// with DarkPalette(). Call once after QApplication exists. Returns whether the app is dark.
bool FollowSystemTheme();

}  // namespace shoebox::app
