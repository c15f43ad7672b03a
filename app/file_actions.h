// What the app does with a photo's file, the same from the detail pane, the grid's menu and
// the keyboard: open it in the default application, show its folder, copy it. Never writes,
// moves or deletes anything in the user's folders.
#pragma once

#include <QString>
#include <QStringList>

namespace shoebox::app {

// False when the desktop has no application for it (the caller says so).
bool OpenInDefaultApp(const QString& path);
// Opens the file's folder in the file manager (portable: the folder itself, not a selection).
bool RevealInFileManager(const QString& path);
// The files on the clipboard, as a file manager copies them (paste in a folder, a mail or a
// chat), with their paths as text; and the image itself when it is a single photo.
void CopyToClipboard(const QStringList& paths);

}  // namespace shoebox::app
