// The desktop app driven as a user would, with no display (QT_QPA_PLATFORM=offscreen): the
// first run, search, selection, more like this, duplicates, dropping an image, the watcher,
// pause and resume, the keyboard; and, under xvfb-run, a screenshot of the main window.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStyle>
#include <QTest>
#include <QTreeWidgetItemIterator>
#include <QUrl>
#include <clocale>
#include <cstdlib>
#include <filesystem>

#include "app/dupes_view.h"
#include "app/first_run_dialog.h"
#include "app/library_session.h"
#include "app/main_window.h"
#include "app/system_theme.h"
#include "catalog/catalog.h"
#include "engine/hub/model_store.h"
#include "test_util.h"

namespace shoebox::app {
namespace {

namespace fs = std::filesystem;
using shoebox::testing::CorpusPath;
using shoebox::testing::DataPath;
using shoebox::testing::TempDir;

// A Hub-style model folder: the golden tiny CLIP with its tokenizer files beside it.
fs::path TinyModel(const fs::path& dir) {
  const fs::path golden = shoebox::testing::GoldenPath();
  const fs::path out = dir / "tiny-clip";
  fs::create_directories(out);
  for (const auto& e : fs::directory_iterator(golden / "clip" / "tiny-b32"))
    fs::copy(e.path(), out / e.path().filename(), fs::copy_options::recursive);
  for (const auto& e : fs::directory_iterator(golden / "clip" / "tokenizer"))
    fs::copy(e.path(), out / e.path().filename(), fs::copy_options::overwrite_existing);
  return out;
}

// A home whose XDG folders are private to the test, with a folder of photos in ~/Pictures:
// the sample photos, the meme set, and one photo twice (an identical-files group).
class Home {
 public:
  Home() {
    for (const char* v : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"}) {
      const char* old = std::getenv(v);
      saved_.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
    }
    setenv("HOME", dir_.path().c_str(), 1);
    setenv("XDG_CONFIG_HOME", (dir_ / "config").c_str(), 1);
    setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1);
    setenv("XDG_CACHE_HOME", (dir_ / "cache").c_str(), 1);
    QSettings().clear();
    fs::create_directories(pictures());
    for (const auto& e : fs::recursive_directory_iterator(DataPath("text-photos")))
      if (e.path().extension() == ".jpg") fs::copy_file(e.path(), pictures() / e.path().filename());
    fs::copy(DataPath("sample-photos/phones"), pictures() / "phones", fs::copy_options::recursive);
    fs::copy_file(DataPath("sample-photos/phones/Apple iPhone 4.jpg"),
                  pictures() / "phones" / "iphone copy.jpg");
  }
  ~Home() {
    for (const auto& [v, old] : saved_)
      old ? setenv(v.c_str(), old->c_str(), 1) : unsetenv(v.c_str());
  }
  fs::path path() const { return dir_.path(); }
  fs::path pictures() const { return dir_ / "Pictures"; }
  fs::path catalog() const { return dir_ / "data" / "shoebox" / "catalog.db"; }

 private:
  TempDir dir_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

int CountPhotos(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

// A session over the home's photos with the tiny model, caught up (the first run done).
std::unique_ptr<LibrarySession> OpenCaughtUp(const Home& home, const fs::path& model) {
  SessionOptions o;
  o.catalog = home.catalog();
  o.model = model.string();
  o.ocr = true;
  o.low_priority = false;
  // float32: the tiny random model's photos lie closer together than int8's or bf16's
  // rounding, so a dropped photo would not reliably find its own stored copy first (with a
  // real model they are far apart; the precision modes are tested in the engine).
  o.load = {};
  auto s = LibrarySession::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  (*s)->SetRoots({QString::fromStdString(home.pictures().string())});
  // Caught up with the model too: the watcher restarts once the model is loaded, and that
  // run embeds every photo.
  EXPECT_TRUE(QTest::qWaitFor(
      [&] {
        const auto st = (*s)->WatchState();
        return st.last && st.last->embedding && st.state == watch::WatchState::kWatching;
      },
      180000))
      << (*s)->limits().toStdString();
  if (const auto st = (*s)->WatchState(); st.last && st.last->embedding)
    std::printf("caught up: %lld embedded while indexing, %lld after, vector file: %s\n",
                static_cast<long long>(st.last->embedding->while_indexing),
                static_cast<long long>(st.last->embedding->after.embedded),
                st.last->embedding->vector_file.ToString().c_str());
  (*s)->service()->WaitUntilReady();
  // The query service picks up new vectors every 2 s.
  EXPECT_TRUE(QTest::qWaitFor(
      [&] {
        auto st = (*s)->service()->LibraryStatus();
        return st.ok() && (*st)["vectors"]["state"] == "ready";
      },
      30000));
  return std::move(*s);
}

// A session over the home's catalog that indexes without a model (words and names only).
Result<std::unique_ptr<LibrarySession>> OpenWithoutModel(const Home& home) {
  SessionOptions o;
  o.catalog = home.catalog();
  o.model = (home.path() / "no-model-here").string();
  o.ocr = false;
  o.low_priority = false;
  return LibrarySession::Open(o);
}

bool WaitForRows(MainWindow& w, int at_least, int ms = 10000) {
  return QTest::qWaitFor([&] { return !w.model()->loading() && w.model()->rowCount() >= at_least; },
                         ms);
}

QStringList Names(const PhotoGridModel* m) {
  QStringList out;
  for (int i = 0; i < m->rowCount(); ++i) out << m->item(i)->name();
  return out;
}

class AppTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    home_ = new Home;
    model_ = new fs::path(TinyModel(home_->path() / "models"));
    session_ = OpenCaughtUp(*home_, *model_).release();
  }
  static void TearDownTestSuite() {
    delete session_;
    delete model_;
    delete home_;
  }
  static Home* home_;
  static fs::path* model_;
  static LibrarySession* session_;
};
Home* AppTest::home_ = nullptr;
fs::path* AppTest::model_ = nullptr;
LibrarySession* AppTest::session_ = nullptr;

TEST_F(AppTest, StartsOnTheWholeLibraryNewestFirst) {
  ASSERT_NE(session_, nullptr);
  MainWindow w(session_);
  w.show();
  ASSERT_TRUE(WaitForRows(w, CountPhotos(home_->pictures()) - 1));  // the copy is one photo
  EXPECT_EQ(w.model()->rowCount(), CountPhotos(home_->pictures()) - 1);
  EXPECT_TRUE(w.heading().startsWith("Newest first")) << w.heading().toStdString();
  EXPECT_NE(w.watchText().indexOf("Up to date"), -1) << w.watchText().toStdString();

  // By folder, scrolled down: the heading names the folder on screen.
  auto* order = w.findChild<QComboBox*>("order");
  order->setCurrentIndex(order->findData("path"));
  ASSERT_TRUE(QTest::qWaitFor(
      [&] { return w.heading().startsWith("By folder") && !w.model()->loading(); }, 5000));
  w.resize(900, 500);
  QTest::qWait(50);
  w.grid()->verticalScrollBar()->setValue(w.grid()->verticalScrollBar()->maximum());
  EXPECT_TRUE(w.heading().contains(QString::fromStdString(home_->pictures().string())))
      << w.heading().toStdString();
}

TEST_F(AppTest, TypingASearchShowsTheHitsAndSelectingOneShowsItsDetails) {
  MainWindow w(session_);
  w.show();
  QTest::keyClicks(w.searchBox(), "contrasena");
  QTest::keyClick(w.searchBox(), Qt::Key_Return);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.heading().contains("contrasena"); }, 10000));
  ASSERT_TRUE(WaitForRows(w, 1));
  EXPECT_EQ(w.model()->item(0)->name(), "meme-contrasena.jpg")
      << Names(w.model()).join(", ").toStdString();
  // The first hit is selected, and the detail pane shows its facts and its words.
  ASSERT_TRUE(
      QTest::qWaitFor([&] { return w.detail()->path().endsWith("meme-contrasena.jpg"); }, 10000));
  EXPECT_NE(w.detail()->facts().indexOf("meme-contrasena.jpg"), -1);
  // The words OCR read are shown, read as the CLI reads them (the C locale Tesseract needs).
  EXPECT_TRUE(w.detail()->words().contains("DEMASIADO CORTA")) << w.detail()->words().toStdString();
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.detail()->previewShown(); }, 10000));

  // An outlined caption is read with a model too (the thumbnail the gate sees is made from
  // the model's decode then: its text score was once just under the two-pass bound).
  w.searchBox()->clear();
  QTest::keyClicks(w.searchBox(), "pikachu");
  QTest::keyClick(w.searchBox(), Qt::Key_Return);
  ASSERT_TRUE(QTest::qWaitFor(
      [&] { return w.heading().contains("pikachu") && !w.model()->loading(); }, 10000));
  ASSERT_TRUE(
      QTest::qWaitFor([&] { return w.detail()->path().endsWith("meme-pikachu.jpg"); }, 10000));
  EXPECT_TRUE(w.detail()->words().contains("SURPRISED")) << w.detail()->words().toStdString();
}

TEST_F(AppTest, MoreLikeThisShowsTheOtherPhotosRankedByTheModel) {
  MainWindow w(session_);
  w.show();
  ASSERT_TRUE(WaitForRows(w, 3));
  const qint64 first = w.model()->item(0)->id;
  w.grid()->setCurrentIndex(w.model()->index(0));
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.detail()->shown() == first; }, 5000));
  QPushButton* more = w.detail()->findChild<QPushButton*>("moreLikeThis");
  ASSERT_NE(more, nullptr);
  QTest::mouseClick(more, Qt::LeftButton);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.heading().startsWith("More like this"); }, 5000));
  ASSERT_TRUE(WaitForRows(w, 2)) << w.heading().toStdString();
  for (int i = 0; i < w.model()->rowCount(); ++i)
    EXPECT_NE(w.model()->item(i)->id, first) << "the photo itself is not its own neighbour";
  // Esc goes back to the library.
  QTest::keyClick(&w, Qt::Key_Escape);
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.heading().startsWith("Newest first"); }, 5000));
}

TEST_F(AppTest, AnImageDroppedOnTheWindowIsSearchedByAndNotStored) {
  MainWindow w(session_);
  w.show();
  ASSERT_TRUE(WaitForRows(w, 3));
  const auto before = shoebox::testing::SnapshotTree(home_->pictures());
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(
      DataPath("sample-photos/phones/Samsung GT-I9000 (Galaxy S).jpg").string()))});
  QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&w, &enter);
  ASSERT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&w, &drop);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.heading().startsWith("Photos like"); }, 5000));
  ASSERT_TRUE(WaitForRows(w, 1));
  // The same photo is in the library: it comes first.
  EXPECT_EQ(w.model()->item(0)->name(), "Samsung GT-I9000 (Galaxy S).jpg");
  // Its preview is upright: 640x480 as stored, EXIF says it is a portrait.
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.detail()->previewShown(); }, 10000));
  EXPECT_GT(w.detail()->previewSize().height(), w.detail()->previewSize().width())
      << w.detail()->previewSize().width() << "x" << w.detail()->previewSize().height();
  EXPECT_EQ(shoebox::testing::SnapshotTree(home_->pictures()), before);
}

TEST_F(AppTest, TheDuplicatesViewGroupsTheTwoCopiesAndDeletesNothing) {
  DupesView v(session_->service());
  v.show();
  ASSERT_TRUE(QTest::qWaitFor([&] { return v.ready(); }, 30000));
  EXPECT_GE(v.exactGroups(), 1);
  bool found = false;
  for (QTreeWidgetItemIterator it(v.tree()); *it; ++it)
    if ((*it)->text(1).endsWith("iphone copy.jpg")) found = true;
  EXPECT_TRUE(found);
  EXPECT_TRUE(fs::exists(home_->pictures() / "phones" / "iphone copy.jpg"));
}

TEST_F(AppTest, SlashFocusesTheSearchBoxAndEscClearsIt) {
  MainWindow w(session_);
  w.show();
  QApplication::setActiveWindow(&w);
  w.grid()->setFocus();
  QTest::keyClick(w.grid(), Qt::Key_Slash);
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.searchBox()->hasFocus(); }, 2000));
  QTest::keyClicks(w.searchBox(), "dieta");
  QTest::keyClick(w.searchBox(), Qt::Key_Return);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.heading().contains("dieta"); }, 5000));
  QTest::keyClick(&w, Qt::Key_Escape);
  EXPECT_TRUE(w.searchBox()->text().isEmpty());
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.heading().startsWith("Newest first"); }, 5000));
}

TEST_F(AppTest, PhotosDraggedOutAreTheirFilesAndSpaceShowsOneLarge) {
  MainWindow w(session_);
  w.show();
  ASSERT_TRUE(WaitForRows(w, 3));
  std::unique_ptr<QMimeData> mime(w.model()->mimeData({w.model()->index(0), w.model()->index(1)}));
  ASSERT_NE(mime, nullptr);
  ASSERT_EQ(mime->urls().size(), 2);
  for (const QUrl& u : mime->urls()) {
    EXPECT_TRUE(u.isLocalFile());
    EXPECT_TRUE(fs::exists(u.toLocalFile().toStdString())) << u.toString().toStdString();
  }
  EXPECT_TRUE(w.model()->flags(w.model()->index(0)) & Qt::ItemIsDragEnabled);

  w.grid()->setCurrentIndex(w.model()->index(0));
  QApplication::setActiveWindow(&w);
  w.grid()->setFocus();
  QTest::keyClick(w.grid(), Qt::Key_Space);
  QDialog* look = nullptr;
  ASSERT_TRUE(QTest::qWaitFor(
      [&] { return (look = w.findChild<QDialog*>("quickLook")) != nullptr; }, 3000));
  auto* pane = look->findChild<DetailPane*>();
  ASSERT_NE(pane, nullptr);
  EXPECT_EQ(pane->shown(), w.model()->item(0)->id);
  look->close();
}

TEST_F(AppTest, FiltersNarrowTheGridAndAToDateIncludesItsOwnDay) {
  MainWindow w(session_);
  w.show();
  const int all = CountPhotos(home_->pictures()) - 1;
  ASSERT_TRUE(WaitForRows(w, all));
  QTest::mouseClick(w.findChild<QPushButton*>("filtersToggle"), Qt::LeftButton);
  auto* folder = w.findChild<QLineEdit*>("folderFilter");
  ASSERT_TRUE(folder && folder->isVisible());
  QTest::keyClicks(folder, QString::fromStdString((home_->pictures() / "phones").string()));
  QTest::keyClick(folder, Qt::Key_Return);
  ASSERT_TRUE(
      QTest::qWaitFor([&] { return !w.model()->loading() && w.model()->rowCount() == 2; }, 5000))
      << Names(w.model()).join(", ").toStdString();  // the two phone photos (the copy is one)
  for (const QString& n : Names(w.model()))
    EXPECT_TRUE(n.contains("iPhone") || n.contains("Samsung") || n.contains("iphone"));
  folder->clear();
  QTest::keyClick(folder, Qt::Key_Return);
  ASSERT_TRUE(
      QTest::qWaitFor([&] { return !w.model()->loading() && w.model()->rowCount() == all; }, 5000));

  // From = To = the day a photo was taken finds it.
  QString day;
  for (int i = 0; i < w.model()->rowCount() && day.isEmpty(); ++i)
    day = w.model()->item(i)->taken.left(10);
  ASSERT_FALSE(day.isEmpty()) << "no dated photo in the sample";
  const QDate date = QDate::fromString(day, Qt::ISODate);
  w.findChild<QDateEdit*>("from")->setDate(date);
  w.findChild<QDateEdit*>("to")->setDate(date);
  w.findChild<QCheckBox*>("useFrom")->setChecked(true);
  w.findChild<QCheckBox*>("useTo")->setChecked(true);
  ASSERT_TRUE(QTest::qWaitFor(
      [&] {
        return !w.model()->loading() && w.model()->rowCount() >= 1 && w.model()->rowCount() < all;
      },
      5000))
      << w.model()->rowCount();
  for (int i = 0; i < w.model()->rowCount(); ++i)
    EXPECT_EQ(w.model()->item(i)->taken.left(10), day);
}

TEST_F(AppTest, ScreenshotOfTheMainWindowWithResults) {
  MainWindow w(session_);
  w.resize(1280, 800);
  w.show();
  QTest::keyClicks(w.searchBox(), "meme");
  QTest::keyClick(w.searchBox(), Qt::Key_Return);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.heading().contains("meme"); }, 10000));
  ASSERT_TRUE(WaitForRows(w, 4));
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.detail()->previewShown(); }, 10000));
  // Every visible tile's thumbnail is in.
  ASSERT_TRUE(QTest::qWaitFor(
      [&] {
        for (int i = 0; i < std::min(w.model()->rowCount(), 8); ++i)
          if (!w.model()->index(i).data(PhotoGridModel::kThumbReadyRole).toBool()) {
            w.grid()->viewport()->update();
            return false;
          }
        return true;
      },
      10000));
  QTest::qWait(200);
  // Expectations that do not depend on pixels: the widgets a user sees are there and say
  // what they should.
  EXPECT_TRUE(w.grid()->isVisible());
  EXPECT_TRUE(w.detail()->isVisible());
  EXPECT_NE(w.detail()->facts().indexOf("File"), -1);
  EXPECT_TRUE(w.heading().contains(QString("%1 photos").arg(w.model()->rowCount())))
      << w.heading().toStdString();
  const QImage shot = w.grab().toImage();
  EXPECT_EQ(shot.size(), w.size() * w.devicePixelRatio());
  const fs::path out = fs::path(SHOEBOX_SOURCE_DIR) / "tests" / "artifacts";
  fs::create_directories(out);
  ASSERT_TRUE(shot.save(QString::fromStdString((out / "app-main-window.png").string())));
}

// The mean lightness (0-255) of a window as painted.
int MeanLightness(QWidget& w) {
  const QImage img = w.grab().toImage().scaled(64, 40);
  int64_t sum = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x) sum += QColor(img.pixel(x, y)).lightness();
  return static_cast<int>(sum / (img.width() * img.height()));
}

TEST(SystemTheme, TheDesktopsDarkPreferenceIsReadFromWhereGnomeAndGtkKeepIt) {
  QPalette light;
  light.setColor(QPalette::Window, Qt::white);
  light.setColor(QPalette::WindowText, Qt::black);
  ThemeHints h;
  EXPECT_FALSE(PrefersDark(h, light));
  h.color_scheme = "prefer-dark";  // GNOME 42+ Settings > Appearance > Dark
  EXPECT_TRUE(PrefersDark(h, light));
  h = {};
  h.gtk_setting = "Adwaita-dark";  // older GNOME, Xfce, Cinnamon themes
  EXPECT_TRUE(PrefersDark(h, light));
  h = {};
  h.gtk_theme = "Adwaita:dark";  // $GTK_THEME wins over the settings store
  h.color_scheme = "default";
  EXPECT_TRUE(PrefersDark(h, light));
  h.forced = "light";  // $SHOEBOX_THEME wins over everything
  EXPECT_FALSE(PrefersDark(h, light));
  EXPECT_TRUE(PrefersDark(ThemeHints{}, DarkPalette()));  // a platform theme made it dark
  EXPECT_TRUE(IsDark(DarkPalette()));
  EXPECT_FALSE(IsDark(light));
}

TEST_F(AppTest, UnderADarkDesktopTheWindowIsPaintedDarkAndUnderALightOneLight) {
  const QPalette before = QApplication::palette();
  const QString style = QApplication::style()->name();
  auto paint = [&](const char* theme) {
    setenv("SHOEBOX_THEME", theme, 1);
    const bool dark = FollowSystemTheme();
    unsetenv("SHOEBOX_THEME");
    MainWindow w(session_);
    w.resize(900, 600);
    w.show();
    EXPECT_TRUE(WaitForRows(w, 4));
    QTest::qWait(100);
    const fs::path out = fs::path(SHOEBOX_SOURCE_DIR) / "tests" / "artifacts";
    fs::create_directories(out);
    w.grab().save(QString::fromStdString((out / (std::string("app-") + theme + ".png")).string()));
    return std::make_pair(dark, MeanLightness(w));
  };
  const auto [dark, dark_lightness] = paint("dark");
  EXPECT_TRUE(dark);
  EXPECT_LT(dark_lightness, 110) << "a dark desktop got a light window";
  const auto [light, light_lightness] = paint("light");
  EXPECT_FALSE(light);
  EXPECT_GT(light_lightness, 150) << "a light desktop got a dark window";
  QApplication::setStyle(style);
  QApplication::setPalette(before);
}

// The first run, in a home of its own: what it finds, and what the user adds.
TEST(FirstRun, OffersThePicturesFolderAndTheLibrariesFoundWithTheirPhotoCounts) {
  Home home;
  ::setenv("SHOEBOX_HF_ENDPOINT", "http://127.0.0.1:1", 1);  // offline: the model's size is unknown
  const fs::path lib = CorpusPath() / "libraries";
  fs::create_directories(home.pictures() / "Lightroom");
  fs::copy_file(lib / "lightroom" / "test_catalog_1" / "test_catalog_1.lrcat",
                home.pictures() / "Lightroom" / "Catalog.lrcat");
  fs::create_directories(home.path() / "Downloads");
  fs::copy(lib / "google-takeout" / "seb-test-set1" / "Takeout",
           home.path() / "Downloads" / "Takeout", fs::copy_options::recursive);
  FirstRunDialog d(home.path());
  d.show();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !d.counting(); }, 20000));
  const QStringList rows = d.rows();
  ASSERT_EQ(rows.size(), 3) << rows.join(" | ").toStdString();
  EXPECT_TRUE(rows[0].startsWith("Folder")) << rows[0].toStdString();
  EXPECT_TRUE(rows[1].contains("Lightroom catalog") && rows[1].contains("4 photos"))
      << rows[1].toStdString();
  EXPECT_TRUE(rows[2].contains("Google Takeout") && rows[2].contains("4 photos"))
      << rows[2].toStdString();
  const QString extra = QString::fromStdString((home.path() / "More").string());
  fs::create_directories(home.path() / "More");
  d.AddFolder(extra);
  d.AddFolder(extra);  // once only
  EXPECT_EQ(d.chosenRoots().size(), 4);
  EXPECT_TRUE(d.chosenRoots().contains(extra));
  // Offline, the model is offered with what works without it.
  ASSERT_TRUE(
      QTest::qWaitFor([&] { return d.modelText().contains("cannot be downloaded now"); }, 10000))
      << d.modelText().toStdString();
  EXPECT_TRUE(d.modelText().contains("text search")) << d.modelText().toStdString();
  EXPECT_LT(d.modelText().size(), 330)
      << "too long for the dialog: " << d.modelText().toStdString();
  EXPECT_FALSE(d.noneFound());
  ::unsetenv("SHOEBOX_HF_ENDPOINT");
}

TEST(FirstRun, WithNothingInTheUsualPlacesItSaysSoAndAsksForAFolder) {
  TempDir home;  // no Pictures, no Downloads
  ::setenv("SHOEBOX_HF_ENDPOINT", "http://127.0.0.1:1", 1);
  FirstRunDialog d(home.path());
  d.show();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !d.counting(); }, 20000));
  EXPECT_TRUE(d.rows().isEmpty());
  EXPECT_TRUE(d.noneFound());
  fs::create_directories(home.path() / "Photos");
  d.AddFolder(QString::fromStdString((home.path() / "Photos").string()));
  EXPECT_FALSE(d.noneFound());
  EXPECT_EQ(d.chosenRoots().size(), 1);
  ::unsetenv("SHOEBOX_HF_ENDPOINT");
}

TEST(AppCatalog, ALockedCatalogIsWaitedForAndSaidSo) {
  Home home;
  fs::create_directories(home.catalog().parent_path());
  auto s = OpenWithoutModel(home);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto lock = WriterLock::Acquire(home.catalog(), false);  // as a running `shoebox index`
  ASSERT_TRUE(lock.ok());
  (*s)->SetRoots({QString::fromStdString(home.pictures().string())});
  MainWindow w(s->get());
  w.show();
  EXPECT_TRUE(
      QTest::qWaitFor([&] { return w.watchText().contains("another shoebox is indexing"); }, 5000))
      << w.watchText().toStdString();
  lock->reset();
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.watchText().startsWith("Up to date"); }, 10000))
      << w.watchText().toStdString();
  EXPECT_TRUE(WaitForRows(w, CountPhotos(home.pictures()) - 1));
}

TEST(AppCatalog, ADamagedCatalogIsAClearErrorNamingTheFile) {
  Home home;
  fs::create_directories(home.catalog().parent_path());
  shoebox::testing::WriteFile(home.catalog(), std::string(8192, 'x'));
  SessionOptions o;
  o.catalog = home.catalog();
  o.watch = false;
  auto s = LibrarySession::Open(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(home.catalog().string()), std::string::npos)
      << s.status().ToString();
}

// A stand-in for the Hugging Face Hub (tests/e2e/mock_hub.py) serving the tiny golden CLIP as
// "test/tiny"; SHOEBOX_HF_ENDPOINT points at it while it lives.
class MockHub {
 public:
  explicit MockHub(const fs::path& dir) {
    const fs::path golden = shoebox::testing::GoldenPath();
    const fs::path repo = dir / "hub" / "test" / "tiny";
    fs::create_directories(repo);
    for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json"})
      fs::copy_file(golden / "clip/tiny-b32" / f, repo / f);
    for (const char* f : {"vocab.json", "merges.txt", "tokenizer_config.json"})
      fs::copy_file(golden / "clip/tokenizer" / f, repo / f);
    std::string endpoint;
    pid_ = shoebox::testing::StartMockHub(dir / "hub", &endpoint);
    if (pid_ > 0) ::setenv("SHOEBOX_HF_ENDPOINT", endpoint.c_str(), 1);
    ok_ = pid_ > 0;
  }
  ~MockHub() {
    ::unsetenv("SHOEBOX_HF_ENDPOINT");
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool ok() const { return ok_; }

 private:
  pid_t pid_ = -1;
  bool ok_ = false;
};

TEST(FirstRun, OffersTheModelWithItsSizeAndDownloadsItWithAProgressBar) {
  Home home;
  MockHub hub(home.path());
  ASSERT_TRUE(hub.ok()) << "mock hub did not start (python3 missing?)";
  FirstRunDialog d(home.path(), nullptr, "test/tiny");
  d.show();
  EXPECT_FALSE(d.modelReady());
  ASSERT_TRUE(
      QTest::qWaitFor([&] { return d.modelText().contains(" MB, downloaded once"); }, 10000))
      << d.modelText().toStdString();
  QPushButton* download = d.findChild<QPushButton*>("downloadModel");
  ASSERT_NE(download, nullptr);
  QTest::mouseClick(download, Qt::LeftButton);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !d.downloading(); }, 30000));
  EXPECT_TRUE(d.modelReady()) << d.modelText().toStdString();
  EXPECT_TRUE(IsDownloaded("test/tiny"));
}

TEST(ModelDownload, ACancelledDownloadKeepsWhatItHadAndTheNextOneResumes) {
  Home home;
  MockHub hub(home.path());
  ASSERT_TRUE(hub.ok());
  PullOptions o;
  o.show_progress = false;
  uint64_t stopped_at = 0;
  o.on_progress = [&](uint64_t done, uint64_t) {
    stopped_at = done;
    return done == 0;  // cancels as soon as bytes arrive
  };
  auto first = PullModel("test/tiny", o);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::kCancelled) << first.status().ToString();
  EXPECT_NE(first.status().message().find("resumes"), std::string::npos);
  EXPECT_FALSE(IsDownloaded("test/tiny"));
  std::vector<uint64_t> seen;
  o.on_progress = [&](uint64_t done, uint64_t) {
    seen.push_back(done);
    return true;
  };
  auto second = PullModel("test/tiny", o);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(IsDownloaded("test/tiny"));
  ASSERT_FALSE(seen.empty());
  EXPECT_GT(stopped_at, 0u);
}

// The watcher inside the app, in a home of its own (no model: words and names only).
TEST(AppWatcher, APhotoCopiedInAppearsWithinFiveSecondsAndPauseHoldsItBack) {
  Home home;
  auto s = OpenWithoutModel(home);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  (*s)->SetRoots({QString::fromStdString(home.pictures().string())});
  ASSERT_TRUE(QTest::qWaitFor([&] { return (*s)->WatchState().runs >= 1; }, 30000));
  MainWindow w(s->get());
  w.show();
  const int before = CountPhotos(home.pictures()) - 1;
  ASSERT_TRUE(WaitForRows(w, before));
  EXPECT_NE((*s)->limits().indexOf("needs a model"), -1) << (*s)->limits().toStdString();

  QElapsedTimer t;
  t.start();
  fs::copy_file(DataPath("sample-photos/Cámara vieja/progressive Sony DSC-P12.jpg"),
                home.pictures() / "new arrival.jpg");
  ASSERT_TRUE(QTest::qWaitFor([&] { return Names(w.model()).contains("new arrival.jpg"); }, 5000))
      << "not in the grid within 5 s";
  std::printf("in the grid %lld ms after the copy\n", static_cast<long long>(t.elapsed()));

  fs::remove(home.pictures() / "new arrival.jpg");
  EXPECT_TRUE(QTest::qWaitFor([&] { return !Names(w.model()).contains("new arrival.jpg"); }, 5000))
      << "a deleted photo stays in the grid";

  QPushButton* pause = w.findChild<QPushButton*>("pause");
  ASSERT_NE(pause, nullptr);
  QTest::mouseClick(pause, Qt::LeftButton);
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.watchText().contains("paused"); }, 3000))
      << w.watchText().toStdString();
  fs::copy_file(DataPath("sample-photos/Cámara vieja/progressive Sony DSC-P12.jpg"),
                home.pictures() / "while paused.jpg");
  QTest::qWait(1500);
  EXPECT_FALSE(Names(w.model()).contains("while paused.jpg"));
  QTest::mouseClick(pause, Qt::LeftButton);
  EXPECT_TRUE(QTest::qWaitFor([&] { return Names(w.model()).contains("while paused.jpg"); }, 5000));
}

}  // namespace
}  // namespace shoebox::app

int main(int argc, char** argv) {
  // Test discovery runs this binary at build time, with no display and no environment.
  if (!std::getenv("QT_QPA_PLATFORM") && !std::getenv("DISPLAY"))
    setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QApplication app(argc, argv);
  std::setlocale(LC_ALL, "C");  // as main.cc does: Tesseract reads in the C locale
  QApplication::setOrganizationName("shoebox-tests");
  QApplication::setApplicationName("shoebox-app-tests");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
