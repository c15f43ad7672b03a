#include "app/system_theme.h"

#include <QApplication>
#include <QProcess>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>

namespace shoebox::app {
namespace {

QString GSetting(const QString& key) {
  if (QStandardPaths::findExecutable("gsettings").isEmpty()) return {};
  QProcess p;
  p.start("gsettings", {"get", "org.gnome.desktop.interface", key});
  if (!p.waitForFinished(1000) || p.exitCode() != 0) {
    p.kill();
    return {};
  }
  return QString::fromUtf8(p.readAllStandardOutput()).trimmed().remove('\'');
}

}  // namespace

ThemeHints ReadThemeHints() {
  ThemeHints h;
  h.forced = qEnvironmentVariable("SHOEBOX_THEME").toLower();
  h.gtk_theme = qEnvironmentVariable("GTK_THEME");
  if (h.forced.isEmpty() && h.gtk_theme.isEmpty()) {
    h.color_scheme = GSetting("color-scheme");
    h.gtk_setting = GSetting("gtk-theme");
  }
  return h;
}

bool IsDark(const QPalette& palette) {
  return palette.color(QPalette::Window).lightness() <
         palette.color(QPalette::WindowText).lightness();
}

bool PrefersDark(const ThemeHints& h, const QPalette& current) {
  if (h.forced == "dark") return true;
  if (h.forced == "light") return false;
  if (!h.gtk_theme.isEmpty()) return h.gtk_theme.contains("dark", Qt::CaseInsensitive);
  if (h.color_scheme == "prefer-dark") return true;
  if (h.color_scheme == "prefer-light") return false;
  if (h.gtk_setting.contains("dark", Qt::CaseInsensitive)) return true;
  return IsDark(current);
}

QPalette DarkPalette() {
  QPalette p;
  const QColor window(0x2b, 0x2b, 0x2e), base(0x1f, 0x1f, 0x22), text(0xe8, 0xe8, 0xea);
  const QColor button(0x35, 0x35, 0x39), highlight(0x3d, 0x8e, 0xe6), dim(0x8a, 0x8a, 0x90);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, QColor(0x33, 0x33, 0x37));
  p.setColor(QPalette::ToolTipBase, QColor(0x45, 0x45, 0x4a));
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, dim);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, button);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
  p.setColor(QPalette::Link, QColor(0x7a, 0xb8, 0xff));
  p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xff));
  p.setColor(QPalette::Highlight, highlight);
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x50));
  p.setColor(QPalette::Midlight, QColor(0x40, 0x40, 0x45));
  p.setColor(QPalette::Mid, QColor(0x28, 0x28, 0x2b));
  p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x1a));
  p.setColor(QPalette::Shadow, Qt::black);
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, dim);
  p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x55));
  return p;
}

bool FollowSystemTheme() {
  const QPalette current = QApplication::palette();
  const ThemeHints hints = ReadThemeHints();
  if (!PrefersDark(hints, current)) {
    if (IsDark(current)) {  // only when forced light under a dark platform theme
      QApplication::setStyle(QStyleFactory::create("Fusion"));
      QApplication::setPalette(QApplication::style()->standardPalette());
    }
    return false;
  }
  if (IsDark(current)) return true;  // the platform theme already made it dark
  QApplication::setStyle(QStyleFactory::create("Fusion"));
  QApplication::setPalette(DarkPalette());
  return true;
}

}  // namespace shoebox::app
