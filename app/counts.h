// "1 photo", "12,408 photos": counts in words, with the locale's digit grouping.
#pragma once

#include <QLocale>
#include <QString>

namespace shoebox::app {

inline QString Count(qint64 n, const QString& one, const QString& many) {
  return QLocale().toString(n) + " " + (n == 1 ? one : many);
}

}  // namespace shoebox::app
