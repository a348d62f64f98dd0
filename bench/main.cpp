// SPDX-License-Identifier: MIT
// sockettask-bench: what SocketTask costs over what it wraps.
//
//   sockettask-bench            the full run (for docs/performance.md)
//   sockettask-bench --quick    every benchmark, fewer rounds and messages (under 45 s)
//   sockettask-bench --smoke    every benchmark once, tiny (ctest)
//   sockettask-bench --sizes    msg/s by message size for the four clients, as CSV
//   sockettask-bench --plot F   the same, drawn to the PNG file F
//   sockettask-bench --instructions
//                               instructions per message of each side, counted by callgrind
//                               (the figure that does not swing from run to run)
//   sockettask-bench --instructions --callgrind-dir DIR
//                               ... and keeps callgrind's files in DIR (callgrind_annotate)
//   sockettask-bench --instructions --budgets bench/budgets.txt
//                               ... and fails when a ratio is over its ceiling (ctest
//                               bench_budgets)
//
// The echo server runs in a child process, so this process's CPU is the client's alone. Each
// round of a benchmark runs SocketTask and its baseline twice each (ABBA, then BAAB) and keeps
// each side's better run; the program prints a table and `ratio NAME VALUE`, VALUE =
// SocketTask / baseline, the median of the rounds' ratios. --verbose prints every round.
#include "plot.h"

#include <SocketTask>

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QGuiApplication>
#include <QProcess>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <QVersionNumber>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>

#include <sys/resource.h>
#include <unistd.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_START_INSTRUMENTATION
#endif

namespace {

QTextStream out(stdout);

// Under --instructions, callgrind counts what the client does while a Measured scope delivers
// events: each socket notification, posted event and timer, with all that Qt and the client
// do inside it (BenchApplication::notify). Not counted: the event loop's own turns between
// events, whose number depends on timing (whether a reply comes before the loop sleeps or
// after); they made cpp-pingpong swing by 15% from run to run on either side. Outside valgrind
// the toggle is a no-op.
bool g_measuring = false;

struct Measured
{
    Measured()
    {
        // callgrind starts with instrumentation off (--instr-atstart=no, instructionsRun()): the
        // start-up (Qt, the QML engine, the connection) is not counted, so it need not be
        // instrumented either; bench_budgets takes 14 s instead of 25.
        CALLGRIND_START_INSTRUMENTATION;
        g_measuring = true;
    }
    ~Measured() { g_measuring = false; }
    Q_DISABLE_COPY_MOVE(Measured)
};

class BenchApplication : public QGuiApplication
{
public:
    using QGuiApplication::QGuiApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        const bool counts = g_measuring && !m_delivering; // the outermost delivery only
        if (counts) {
            m_delivering = true;
            CALLGRIND_TOGGLE_COLLECT;
        }
        const bool result = QGuiApplication::notify(receiver, event);
        if (counts) {
            CALLGRIND_TOGGLE_COLLECT;
            m_delivering = false;
        }
        return result;
    }

private:
    bool m_delivering = false;
};

double median(std::vector<double> v)
{
    if (v.empty())
        return qQNaN(); // a side not run (SOCKETTASK_BENCH_SIDE)
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

qint64 rssKiB()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    return statm.readAll().split(' ').value(1).toLongLong() * (sysconf(_SC_PAGESIZE) / 1024);
}

void raiseFileLimit()
{
    rlimit files {};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
}

// Runs the event loop until `done` is called or `ms` pass; false on timeout.
bool runUntil(const std::function<void(std::function<void()> done)> &start, int ms = 120000)
{
    QEventLoop loop;
    bool finished = false;
    // A timer of our own, gone on return: QTimer::singleShot would stay registered until it
    // fires, and connect-rate calls this thousands of times a second.
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(ms);
    // From inside the loop, as an event: what it sends is counted with the rest (Measured).
    QMetaObject::invokeMethod(
        &loop,
        [&] {
            start([&] {
                finished = true;
                loop.quit();
            });
        },
        Qt::QueuedConnection);
    loop.exec();
    return finished;
}

// ---- the echo server (child process) ------------------------------------------------------

int serveEcho()
{
    raiseFileLimit();
    QWebSocketServer server(QStringLiteral("bench-echo"), QWebSocketServer::NonSecureMode);
    server.setMaxPendingConnections(4096);
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 1;
    QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&server] {
        while (QWebSocket *peer = server.nextPendingConnection()) {
            peer->setMaxAllowedIncomingMessageSize(64 << 20);
            QObject::connect(peer, &QWebSocket::textMessageReceived, peer,
                [peer](const QString &m) { peer->sendTextMessage(m); });
            QObject::connect(peer, &QWebSocket::binaryMessageReceived, peer,
                [peer](const QByteArray &m) { peer->sendBinaryMessage(m); });
            QObject::connect(peer, &QWebSocket::disconnected, peer, &QObject::deleteLater);
        }
    });
    out << "PORT " << server.serverPort() << Qt::endl;
    return QCoreApplication::exec(); // until the parent kills it
}

// ---- the clients --------------------------------------------------------------------------

// A connected client of either kind, driven the same way.
struct Client
{
    virtual ~Client() = default;
    virtual void onText(std::function<void(const QString &)> fn) = 0;
    virtual void onBinary(std::function<void(const QByteArray &)> fn) = 0;
    virtual void sendText(const QString &s) = 0;
    virtual void sendBinary(const QByteArray &b) = 0;
};

struct RawClient : Client
{
    QWebSocket ws;
    std::function<void(const QString &)> text;
    std::function<void(const QByteArray &)> binary;
    RawClient()
    {
        QObject::connect(
            &ws, &QWebSocket::textMessageReceived, &ws, [this](const QString &m) { text(m); });
        QObject::connect(&ws, &QWebSocket::binaryMessageReceived, &ws,
            [this](const QByteArray &m) { binary(m); });
    }
    void onText(std::function<void(const QString &)> fn) override { text = std::move(fn); }
    void onBinary(std::function<void(const QByteArray &)> fn) override { binary = std::move(fn); }
    void sendText(const QString &s) override { ws.sendTextMessage(s); }
    void sendBinary(const QByteArray &b) override { ws.sendBinaryMessage(b); }
};

struct TaskClient : Client
{
    std::unique_ptr<SocketTask> task;
    std::function<void(const QString &)> text;
    std::function<void(const QByteArray &)> binary;
    void attach()
    {
        task->onMessage([this](const SocketTask::OnMessageCallbackResult &r) {
            if (r.data.metaType().id() == QMetaType::QString)
                text(*static_cast<const QString *>(r.data.constData()));
            else
                binary(*static_cast<const QByteArray *>(r.data.constData()));
        });
    }
    void onText(std::function<void(const QString &)> fn) override { text = std::move(fn); }
    void onBinary(std::function<void(const QByteArray &)> fn) override { binary = std::move(fn); }
    void sendText(const QString &s) override { task->send(s); }
    void sendBinary(const QByteArray &b) override { task->send(b); }
};

std::unique_ptr<Client> open(bool sockettask, const QUrl &url)
{
    if (sockettask) {
        auto client = std::make_unique<TaskClient>();
        SocketTask::ConnectOption option;
        option.setUrl(url);
        client->task.reset(SocketTask::connectSocket(option));
        client->attach();
        runUntil([&](auto done) { client->task->onOpen([done](const auto &) { done(); }); }, 10000);
        return client;
    }
    auto client = std::make_unique<RawClient>();
    runUntil(
        [&](auto done) {
            QObject::connect(&client->ws, &QWebSocket::connected, &client->ws, done);
            client->ws.open(url);
        },
        10000);
    return client;
}

struct Sizes
{
    int rounds = 5; // an odd count: the median is one round's ratio
    int pingpong = 20000;
    int streamSmall = 200000;
    int streamLarge = 2000;
    int connections = 1000;
    int cycles = 2000;
    int qmlStream = 200000;
    int qmlPingpong = 10000;
};

// Each returns its figure: higher is better except for memory.
double pingpong(bool st, const QUrl &url, int n, std::vector<double> *latencies = nullptr)
{
    auto client = open(st, url);
    const QString payload(32, QLatin1Char('p'));
    QElapsedTimer total, one;
    int left = n;
    std::vector<double> lat;
    lat.reserve(n);
    Measured measured;
    runUntil([&](auto done) {
        client->onText([&, done](const QString &) {
            lat.push_back(one.nsecsElapsed() / 1000.0);
            if (--left == 0)
                return done();
            one.start();
            client->sendText(payload);
        });
        total.start();
        one.start();
        client->sendText(payload);
    });
    const double rate = n / (total.nsecsElapsed() / 1e9);
    if (latencies)
        *latencies = std::move(lat);
    return rate;
}

double streamSmall(bool st, const QUrl &url, int n)
{
    auto client = open(st, url);
    const QString payload(32, QLatin1Char('s'));
    QElapsedTimer timer;
    int received = 0;
    Measured measured;
    runUntil([&](auto done) {
        client->onText([&, done](const QString &) {
            if (++received == n)
                done();
        });
        timer.start();
        for (int i = 0; i < n; ++i)
            client->sendText(payload);
    });
    return n / (timer.nsecsElapsed() / 1e9);
}

double streamLarge(bool st, const QUrl &url, int n, int size = 64 * 1024)
{
    auto client = open(st, url);
    const QByteArray payload(size, 'L');
    QElapsedTimer timer;
    int received = 0;
    Measured measured;
    runUntil([&](auto done) {
        client->onBinary([&, done](const QByteArray &) {
            if (++received == n)
                done();
        });
        timer.start();
        for (int i = 0; i < n; ++i)
            client->sendBinary(payload);
    });
    return double(n) * size / (1 << 20) / (timer.nsecsElapsed() / 1e9); // MB/s (MiB)
}

double connectRate(bool st, const QUrl &url, int n)
{
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < n; ++i) {
        if (st) {
            SocketTask::ConnectOption option;
            option.setUrl(url);
            std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
            runUntil(
                [&](auto done) {
                    task->onOpen([&](const auto &) { task->close(); });
                    task->onClose([done](const auto &) { done(); });
                },
                10000);
        } else {
            QWebSocket ws;
            runUntil(
                [&](auto done) {
                    QObject::connect(&ws, &QWebSocket::connected, &ws, [&] { ws.close(); });
                    QObject::connect(&ws, &QWebSocket::disconnected, &ws, done);
                    ws.open(url);
                },
                10000);
        }
    }
    return n / (timer.nsecsElapsed() / 1e9);
}

// In a child process of its own, so that each count starts from the same heap.
int memoryChild(bool st, const QUrl &url, int n)
{
    raiseFileLimit();
    SocketTask::setMaxConcurrentTasks(0);
    std::vector<std::unique_ptr<Client>> clients;
    clients.push_back(open(st, url)); // libraries and first-use caches are not per connection
    const qint64 before = rssKiB();
    for (int i = 0; i < n; ++i)
        clients.push_back(open(st, url));
    const qint64 after = rssKiB();
    out << "KIB_PER_CONNECTION " << double(after - before) / n << Qt::endl;
    return 0;
}

double memoryPerConnection(bool st, const QUrl &url, int n)
{
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(),
        { QStringLiteral("--memory-child"),
            st ? QStringLiteral("sockettask") : QStringLiteral("raw"), url.toString(),
            QString::number(n) });
    child.waitForFinished(120000);
    const QByteArray text = child.readAllStandardOutput();
    const qsizetype at = text.indexOf("KIB_PER_CONNECTION ");
    return at < 0 ? qQNaN() : text.mid(at + 19).trimmed().toDouble();
}

// ---- QML ----------------------------------------------------------------------------------

bool g_verbose = false; // --verbose: each round's figures too

std::unique_ptr<QQmlEngine> g_engine; // made on first use, gone before the application

QQmlEngine *qmlEngine()
{
    if (!g_engine) {
        g_engine = std::make_unique<QQmlEngine>();
        g_engine->addImportPath(QStringLiteral(SOCKETTASK_QML_DIR));
    }
    return g_engine.get();
}

long minorFaults()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

// `faults`, if given, gets the page faults (minor) of the run.
// `file`: one of bench/qml/, e.g. "TaroStream.qml".
double qmlRun(
    const char *file, const QUrl &url, int count, int payloadSize = 32, long *faults = nullptr)
{
    QQmlComponent component(
        qmlEngine(), QUrl(QStringLiteral("qrc:/bench/") + QString::fromLatin1(file)));
    std::unique_ptr<QObject> object(
        component.createWithInitialProperties({ { "url", url.toString() }, { "count", count },
            { "payload", QString(payloadSize, QLatin1Char('q')) } }));
    if (!object) {
        out << component.errorString() << Qt::endl;
        return qQNaN();
    }
    QElapsedTimer timer;
    QEventLoop loop;
    QObject::connect(object.get(), SIGNAL(done()), &loop, SLOT(quit()));
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    const long faultsBefore = minorFaults();
    timer.start();
    {
        Measured measured;
        QMetaObject::invokeMethod(object.get(), "start", Qt::QueuedConnection);
        loop.exec();
    }
    const bool ok = object->property("received").toInt() == count;
    const double seconds = timer.nsecsElapsed() / 1e9;
    if (faults)
        *faults = minorFaults() - faultsBefore;
    // Let the close and Qt's WebSocket finish before the object goes.
    QEventLoop settle;
    QTimer::singleShot(50, &settle, &QEventLoop::quit);
    settle.exec();
    return ok ? count / seconds : qQNaN();
}

// ---- the runs -----------------------------------------------------------------------------

struct Result
{
    QString name, unit;
    double sockettask, baseline, ratio;
    QString extra;
};

Result compare(const QString &name, const QString &unit, int rounds,
    const std::function<double(bool)> &measure, bool lowerIsBetter = false)
{
    std::vector<double> st, base, ratios;
    // For profiling one side alone: SOCKETTASK_BENCH_SIDE=sockettask or baseline.
    const QByteArray side = qgetenv("SOCKETTASK_BENCH_SIDE");
    if (!side.isEmpty()) {
        const double v = measure(side == "sockettask");
        return { name, unit, side == "sockettask" ? v : qQNaN(), side == "sockettask" ? qQNaN() : v,
            qQNaN(), {} };
    }
    for (int r = 0; r < rounds; ++r) {
        // Each round measures both sides twice, ABBA then BAAB in the next round: each side
        // runs as often first as second, right after itself as after the other. On this
        // machine one run can be ~30% slower than the next for no reason of its own (the two
        // processes share 2 cores); a plain AB/BA alternation let that land on one side.
        // A round keeps each side's better run: noise only ever makes a run worse.
        const bool stFirst = r % 2 == 0;
        std::optional<double> a, b;
        for (int k = 0; k < 4; ++k) {
            const bool st = (k == 0 || k == 3) == stFirst;
            const double v = measure(st);
            std::optional<double> &best = st ? a : b;
            best = !best ? v : lowerIsBetter ? std::min(*best, v) : std::max(*best, v);
        }
        st.push_back(*a);
        base.push_back(*b);
        ratios.push_back(*a / *b);
        if (g_verbose)
            out << QStringLiteral("  %1 round %2: SocketTask %3, baseline %4, ratio %5")
                       .arg(name)
                       .arg(r + 1)
                       .arg(*a, 0, 'f', 1)
                       .arg(*b, 0, 'f', 1)
                       .arg(*a / *b, 0, 'f', 3)
                << Qt::endl;
    }
    return { name, unit, median(st), median(base), median(ratios), {} };
}

void print(const Result &r, const QString &baselineName)
{
    out << QStringLiteral("%1 %2 %3 %4 %5  %6")
               .arg(r.name, -26)
               .arg(QString::number(r.sockettask, 'f', 1), 14)
               .arg(QString::number(r.baseline, 'f', 1), 14)
               .arg(r.unit, -8)
               .arg(QString::number(r.ratio, 'f', 3), 7)
               .arg(baselineName + (r.extra.isEmpty() ? QString() : QStringLiteral("; ") + r.extra))
        << Qt::endl;
}

QString percentiles(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    auto at = [&v](double p) { return v.empty() ? 0.0 : v[size_t(p * (v.size() - 1))]; };
    return QStringLiteral("p50 %1 us, p99 %2 us").arg(at(0.5), 0, 'f', 1).arg(at(0.99), 0, 'f', 1);
}

void sizesRun(const QUrl &url, const QString &plotFile)
{
    const QList<int> sizes = { 32, 256, 1024, 4096, 16384, 65536, 262144, 1048576 };
    std::vector<PlotSeries> series
        = { { QStringLiteral("SocketTask C++"), QColor(0, 121, 107), {} },
              { QStringLiteral("raw QWebSocket"), QColor(120, 120, 120), {} },
              { QStringLiteral("SocketTask QML (Taro)"), QColor(230, 81, 0), {} },
              { QStringLiteral("Qt QML WebSocket"), QColor(57, 73, 171), {} } };
    out << "size,sockettask_cpp,raw_qwebsocket,sockettask_qml,qt_qml_websocket" << Qt::endl;
    for (int size : sizes) {
        // About 8 MiB of traffic per point, at least 200 and at most 20000 messages.
        const int n = std::clamp(int((8 << 20) / size), 200, 20000);
        auto cpp = [&](bool st) {
            auto client = open(st, url);
            const QString payload(size, QLatin1Char('z'));
            QElapsedTimer t;
            int got = 0;
            runUntil([&](auto done) {
                client->onText([&, done](const QString &) {
                    if (++got == n)
                        done();
                });
                t.start();
                for (int i = 0; i < n; ++i)
                    client->sendText(payload);
            });
            return n / (t.nsecsElapsed() / 1e9);
        };
        // The median of seven runs, the four clients taking turns; each pair alternates who
        // goes first (ABBA).
        std::vector<double> runs[4];
        for (int r = 0; r < 7; ++r) {
            for (int i : r % 2 ? std::array { 1, 0, 3, 2 } : std::array { 0, 1, 2, 3 }) {
                runs[i].push_back(i < 2
                        ? cpp(i == 0)
                        : qmlRun(i == 2 ? "TaroStream.qml" : "QtStream.qml", url, n, size));
            }
        }
        const double values[]
            = { median(runs[0]), median(runs[1]), median(runs[2]), median(runs[3]) };
        QStringList row { QString::number(size) };
        for (int i = 0; i < 4; ++i) {
            series[i].rates.push_back(values[i]);
            row << QString::number(values[i], 'f', 0);
        }
        out << row.join(QLatin1Char(',')) << Qt::endl;
    }
    if (plotFile.isEmpty())
        return;
    if (plotThroughput(sizes, series, plotFile))
        out << "plot written to " << plotFile << Qt::endl;
}

// ---- --instructions ------------------------------------------------------------------------

// What --instructions counts: one run of each side, message counts small enough for callgrind
// (ctest bench_budgets runs them all). The C++ counts were halved on 2026-12-06, which moved no
// per-message figure by more than 0.1%; the QML ones were not: the garbage collector's runs
// fall differently (qml-pingpong read 20 004 / 17 215 over 1 000 round trips, 19 305 / 17 659
// over 2 000).
struct Counted
{
    const char *name;
    int messages;
    std::function<void(bool sockettask, const QUrl &url, int n)> run;
};

const std::vector<Counted> &counted()
{
    static const std::vector<Counted> list {
        { "cpp-pingpong", 1000, [](bool st, const QUrl &url, int n) { pingpong(st, url, n); } },
        { "cpp-stream-small", 10000,
            [](bool st, const QUrl &url, int n) { streamSmall(st, url, n); } },
        { "cpp-stream-large", 100,
            [](bool st, const QUrl &url, int n) { streamLarge(st, url, n); } },
        { "qml-stream-small", 20000,
            [](bool st, const QUrl &url, int n) {
                qmlRun(st ? "TaroStream.qml" : "QtStream.qml", url, n);
            } },
        { "qml-pingpong", 2000,
            [](bool st, const QUrl &url, int n) {
                qmlRun(st ? "TaroPingpong.qml" : "QtPingpong.qml", url, n);
            } },
    };
    return list;
}

// Runs one side of one benchmark, in a child process that callgrind watches.
int instructionsChild(const QString &name, bool sockettask, const QUrl &url, int n)
{
    for (const Counted &c : counted()) {
        if (name == QLatin1String(c.name)) {
            c.run(sockettask, url, n);
            return 0;
        }
    }
    return 2;
}

// --budgets FILE: the ceiling of each ratio on the running Qt version, by benchmark. A line is
// "NAME QT CEILING ..."; the line of the highest QT version not above the running one counts
// (6.9 is held to 6.8's ceilings, 6.12 to 6.11's). Empty and `error` set for a bad file.
QHash<QString, double> readBudgets(const QString &file, QString *error)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("cannot read %1").arg(file);
        return {};
    }
    const QVersionNumber running
        = QVersionNumber::fromString(QString::fromLatin1(qVersion())).normalized();
    QHash<QString, double> ceilings;
    QHash<QString, QVersionNumber> from; // the Qt version of each ceiling kept
    int lineNumber = 0;
    while (!in.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(in.readLine()).section(QLatin1Char('#'), 0, 0);
        const QStringList f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (f.isEmpty())
            continue;
        bool ok = false;
        const QVersionNumber qt = QVersionNumber::fromString(f.value(1));
        const double value = f.value(2).toDouble(&ok);
        if (f.size() < 3 || qt.isNull() || !ok) {
            *error = QStringLiteral("%1:%2: expected NAME QT-VERSION CEILING")
                         .arg(file)
                         .arg(lineNumber);
            return {};
        }
        if (qt <= running && (!from.contains(f.at(0)) || qt > from.value(f.at(0)))) {
            from.insert(f.at(0), qt);
            ceilings.insert(f.at(0), value);
        }
    }
    return ceilings;
}

// Instructions the client executes inside the measured stretch, per message: the same binary,
// inputs and environment give the same count, whatever else the machine does.
// keep: a folder for callgrind's files (NAME-1 SocketTask, NAME-0 baseline), for
// callgrind_annotate; none: a temporary one.
int instructionsRun(
    const QUrl &url, const QString &only, const QString &keep, const QString &budgets)
{
    const QString valgrind = QStandardPaths::findExecutable(QStringLiteral("valgrind"));
    if (valgrind.isEmpty()) {
        QTextStream(stderr) << "sockettask-bench --instructions needs valgrind" << Qt::endl;
        return 1;
    }
    QHash<QString, double> ceilings;
    if (!budgets.isEmpty()) { // a bad file fails now, not after the runs
        QString error;
        ceilings = readBudgets(budgets, &error);
        if (!error.isEmpty()) {
            QTextStream(stderr) << "sockettask-bench: " << error << Qt::endl;
            return 1;
        }
    }
    QTemporaryDir temporary;
    const QDir dir(keep.isEmpty() ? temporary.path() : keep);
    if (!dir.mkpath(QStringLiteral("."))) {
        QTextStream(stderr) << "sockettask-bench: cannot make " << keep << Qt::endl;
        return 1;
    }
    out << QStringLiteral("%1 %2 %3 %4  %5")
               .arg(QStringLiteral("benchmark"), -26)
               .arg(QStringLiteral("SocketTask"), 14)
               .arg(QStringLiteral("baseline"), 14)
               .arg(QStringLiteral("ratio"), 7)
               .arg(QStringLiteral("instructions per message, inside event delivery; ratio = "
                                   "SocketTask / baseline, lower is better"))
        << Qt::endl;
    QStringList lines;
    int overBudget = 0;
    for (const Counted &c : counted()) {
        if (!only.isEmpty() && only != QLatin1String(c.name))
            continue;
        double perMessage[2] = { qQNaN(), qQNaN() };
        // Both sides at once, each in its own process under callgrind: the counts do not
        // depend on the load, and the run takes half the time where a core is free.
        QProcess children[2];
        const QString files[2] = { dir.filePath(QStringLiteral("%1-0").arg(c.name)),
            dir.filePath(QStringLiteral("%1-1").arg(c.name)) };
        for (const bool st : { true, false }) {
            QProcess &child = children[st];
            child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            // Qt 6.8 and later collect garbage incrementally, in slices with a time limit, so
            // how much each slice does depends on the clock (qml-stream-small's counts moved by
            // 2% from run to run on 6.8). In one pass, as Qt 6.4 always does, they repeat.
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(QStringLiteral("QV4_GC_TIMELIMIT"), QStringLiteral("0"));
            child.setProcessEnvironment(environment);
            child.start(valgrind,
                { QStringLiteral("--tool=callgrind"), QStringLiteral("--quiet"),
                    QStringLiteral("--collect-atstart=no"), QStringLiteral("--instr-atstart=no"),
                    QStringLiteral("--callgrind-out-file=") + files[st],
                    QCoreApplication::applicationFilePath(), QStringLiteral("--instructions-child"),
                    QString::fromLatin1(c.name),
                    st ? QStringLiteral("sockettask") : QStringLiteral("baseline"), url.toString(),
                    QString::number(c.messages) });
        }
        for (const bool st : { true, false }) {
            QProcess &child = children[st];
            if (!child.waitForFinished(600000) || child.exitCode() != 0) {
                QTextStream(stderr) << "sockettask-bench: the callgrind run of " << c.name
                                    << " failed: " << child.readAllStandardOutput() << Qt::endl;
                return 1;
            }
            QFile result(files[st]);
            if (!result.open(QIODevice::ReadOnly)) {
                QTextStream(stderr)
                    << "sockettask-bench: no callgrind output " << files[st] << Qt::endl;
                return 1;
            }
            for (const QByteArray &line : result.readAll().split('\n')) {
                if (line.startsWith("totals: ") || line.startsWith("summary: "))
                    perMessage[st] = line.mid(line.indexOf(' ') + 1).toDouble() / c.messages;
            }
        }
        const double ratio = perMessage[1] / perMessage[0];
        QString verdict;
        if (!budgets.isEmpty()) {
            const auto ceiling = ceilings.constFind(QString::fromLatin1(c.name));
            if (ceiling == ceilings.cend())
                verdict
                    = QStringLiteral("  no budget for Qt %1").arg(QString::fromLatin1(qVersion()));
            else if (!(ratio <= *ceiling)) {
                verdict = QStringLiteral("  OVER its budget %1").arg(*ceiling, 0, 'f', 3);
                ++overBudget;
            } else
                verdict = QStringLiteral("  within its budget %1").arg(*ceiling, 0, 'f', 3);
        }
        out << QStringLiteral("%1 %2 %3 %4%5")
                   .arg(QString::fromLatin1(c.name), -26)
                   .arg(QString::number(perMessage[1], 'f', 0), 14)
                   .arg(QString::number(perMessage[0], 'f', 0), 14)
                   .arg(QString::number(ratio, 'f', 3), 7)
                   .arg(verdict)
            << Qt::endl;
        lines << QStringLiteral("instructions %1 %2 %3 %4")
                     .arg(QString::fromLatin1(c.name))
                     .arg(perMessage[1], 0, 'f', 0)
                     .arg(perMessage[0], 0, 'f', 0)
                     .arg(ratio, 0, 'f', 3);
    }
    out << Qt::endl << lines.join(QLatin1Char('\n')) << Qt::endl;
    if (overBudget > 0) {
        out << "sockettask-bench: " << overBudget << " ratio(s) over budget on Qt " << qVersion()
            << " (" << budgets << ")" << Qt::endl;
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM",
        qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    BenchApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("SocketTask against QWebSocket and Qt's QML WebSocket."));
    parser.addHelpOption();
    parser.addOption(
        { QStringLiteral("quick"), QStringLiteral("Fewer rounds and messages (under 45 s).") });
    parser.addOption({ QStringLiteral("smoke"), QStringLiteral("Every benchmark once, tiny.") });
    parser.addOption({ QStringLiteral("sizes"), QStringLiteral("msg/s by message size, as CSV.") });
    parser.addOption({ QStringLiteral("plot"),
        QStringLiteral("Draw the --sizes run to FILE (PNG)."), QStringLiteral("FILE") });
    parser.addOption(
        { QStringLiteral("verbose"), QStringLiteral("Print each round's figures too.") });
    parser.addOption({ QStringLiteral("only"), QStringLiteral("Run only this benchmark."),
        QStringLiteral("NAME") });
    parser.addOption({ QStringLiteral("callgrind-dir"),
        QStringLiteral("With --instructions: keep callgrind's files in <dir>, for "
                       "callgrind_annotate (NAME-1 SocketTask, NAME-0 the baseline)."),
        QStringLiteral("dir") });
    parser.addOption({ QStringLiteral("budgets"),
        QStringLiteral("With --instructions: fail when a ratio is over its ceiling in <file> "
                       "for this Qt version (bench/budgets.txt)."),
        QStringLiteral("file") });
    parser.addOption({ QStringLiteral("instructions"),
        QStringLiteral("Instructions per message of each side, counted by callgrind.") });
    parser.addOption({ QStringLiteral("server"), QStringLiteral("Internal: be the echo server.") });
    parser.addOption({ QStringLiteral("instructions-child"), QStringLiteral("Internal."),
        QStringLiteral("NAME") });
    parser.addOption(
        { QStringLiteral("memory-child"), QStringLiteral("Internal."), QStringLiteral("KIND") });
    parser.addPositionalArgument(QStringLiteral("args"), QStringLiteral("Internal."));
    parser.process(app);

    if (parser.isSet(QStringLiteral("server")))
        return serveEcho();
    auto dropEngine = qScopeGuard([] { g_engine.reset(); }); // before the application goes
    // What a process pays once, on its first QWebSocket, is paid here, before anything is
    // measured: from Qt 6.8 (not 6.4) QWebSocket's constructor loads the system's CA
    // certificates (QSslConfiguration::defaultConfiguration(), 231M instructions in the trixie
    // chroot), even for ws://. Qt's QML WebSocket made its QWebSocket before the measured
    // stretch and SocketTask inside it, so that one-time cost was counted per message on
    // SocketTask's side only: qml-pingpong read 5.08 on Qt 6.8, 1.09 without it.
    {
        QWebSocket first;
    }
    if (parser.isSet(QStringLiteral("instructions-child"))) {
        const QStringList rest = parser.positionalArguments();
        return instructionsChild(parser.value(QStringLiteral("instructions-child")),
            rest.value(0) == QLatin1String("sockettask"), QUrl(rest.value(1)),
            rest.value(2).toInt());
    }
    if (parser.isSet(QStringLiteral("memory-child"))) {
        const QStringList rest = parser.positionalArguments();
        return memoryChild(
            parser.value(QStringLiteral("memory-child")) == QLatin1String("sockettask"),
            QUrl(rest.value(0)), rest.value(1).toInt());
    }

    QProcess server;
    server.start(QCoreApplication::applicationFilePath(), { QStringLiteral("--server") });
    if (!server.waitForReadyRead(10000)) {
        QTextStream(stderr) << "sockettask-bench: the echo server did not start" << Qt::endl;
        return 1;
    }
    const QByteArray line = server.readLine().trimmed();
    const QUrl url(QStringLiteral("ws://127.0.0.1:%1/").arg(QString::fromLatin1(line.mid(5))));
    auto stopServer = qScopeGuard([&] {
        server.kill();
        server.waitForFinished(5000);
    });
    SocketTask::setMaxConcurrentTasks(0);

    if (parser.isSet(QStringLiteral("instructions")))
        return instructionsRun(url, parser.value(QStringLiteral("only")),
            parser.value(QStringLiteral("callgrind-dir")), parser.value(QStringLiteral("budgets")));
    if (parser.isSet(QStringLiteral("sizes")) || parser.isSet(QStringLiteral("plot"))) {
        sizesRun(url, parser.value(QStringLiteral("plot")));
        return 0;
    }

    g_verbose = parser.isSet(QStringLiteral("verbose"));
    Sizes n;
    if (parser.isSet(QStringLiteral("quick")))
        n = { 5, 5000, 200000, 1000, 300, 500, 50000, 5000 };
    if (parser.isSet(QStringLiteral("smoke")))
        n = { 1, 200, 1000, 20, 20, 20, 1000, 100 };
    const QString only = parser.value(QStringLiteral("only"));
    auto wanted = [&](const char *name) { return only.isEmpty() || only == QLatin1String(name); };

    QElapsedTimer wall;
    wall.start();
    out << QStringLiteral("%1 %2 %3 %4 %5  %6")
               .arg(QStringLiteral("benchmark"), -26)
               .arg(QStringLiteral("SocketTask"), 14)
               .arg(QStringLiteral("baseline"), 14)
               .arg(QStringLiteral("unit"), -8)
               .arg(QStringLiteral("ratio"), 7)
               .arg(QStringLiteral("baseline is"))
        << Qt::endl;
    std::vector<Result> results;
    auto add = [&](Result r, const QString &baseline) {
        print(r, baseline);
        results.push_back(std::move(r));
    };
    if (wanted("cpp-pingpong")) {
        std::vector<double> latST, latRaw;
        Result r = compare(QStringLiteral("cpp-pingpong"), QStringLiteral("msg/s"), n.rounds,
            [&](bool st) { return pingpong(st, url, n.pingpong, st ? &latST : &latRaw); });
        r.extra
            = QStringLiteral("SocketTask %1; raw %2").arg(percentiles(latST), percentiles(latRaw));
        add(r, QStringLiteral("raw QWebSocket"));
    }
    if (wanted("cpp-stream-small"))
        add(compare(QStringLiteral("cpp-stream-small"), QStringLiteral("msg/s"), n.rounds,
                [&](bool st) { return streamSmall(st, url, n.streamSmall); }),
            QStringLiteral("raw QWebSocket"));
    if (wanted("cpp-stream-large"))
        add(compare(QStringLiteral("cpp-stream-large"), QStringLiteral("MB/s"), n.rounds,
                [&](bool st) { return streamLarge(st, url, n.streamLarge); }),
            QStringLiteral("raw QWebSocket"));
    if (wanted("qml-stream-small")) {
        std::vector<double> faults[2];
        Result r = compare(
            QStringLiteral("qml-stream-small"), QStringLiteral("msg/s"), n.rounds, [&](bool st) {
                long f = 0;
                const double rate
                    = qmlRun(st ? "TaroStream.qml" : "QtStream.qml", url, n.qmlStream, 32, &f);
                faults[st].push_back(f);
                return rate;
            });
        r.extra = QStringLiteral("page faults per 1000 messages: SocketTask %1, Qt %2")
                      .arg(median(faults[1]) * 1000 / n.qmlStream, 0, 'f', 1)
                      .arg(median(faults[0]) * 1000 / n.qmlStream, 0, 'f', 1);
        add(r, QStringLiteral("Qt QML WebSocket"));
    }
    if (wanted("qml-stream-small-objects")) {
        std::vector<double> faults[2];
        Result r = compare(QStringLiteral("qml-stream-small-objects"), QStringLiteral("msg/s"),
            n.rounds, [&](bool st) {
                long f = 0;
                const double rate = qmlRun(st ? "TaroStream.qml" : "QtStreamWithTaroObjects.qml",
                    url, n.qmlStream, 32, &f);
                faults[st].push_back(f);
                return rate;
            });
        r.extra = QStringLiteral("page faults per 1000 messages: SocketTask %1, Qt with the "
                                 "objects %2")
                      .arg(median(faults[1]) * 1000 / n.qmlStream, 0, 'f', 1)
                      .arg(median(faults[0]) * 1000 / n.qmlStream, 0, 'f', 1);
        add(r, QStringLiteral("Qt QML WebSocket making Taro's two objects per message"));
    }
    if (wanted("qml-pingpong"))
        add(compare(QStringLiteral("qml-pingpong"), QStringLiteral("msg/s"), n.rounds,
                [&](bool st) {
                    return qmlRun(st ? "TaroPingpong.qml" : "QtPingpong.qml", url, n.qmlPingpong);
                }),
            QStringLiteral("Qt QML WebSocket"));
    if (wanted("memory-per-connection"))
        add(compare(
                QStringLiteral("memory-per-connection"), QStringLiteral("KiB"), n.rounds,
                [&](bool st) { return memoryPerConnection(st, url, n.connections); }, true),
            QStringLiteral("raw QWebSocket; lower is better"));
    if (wanted("connect-rate"))
        add(compare(QStringLiteral("connect-rate"), QStringLiteral("conn/s"), n.rounds,
                [&](bool st) { return connectRate(st, url, n.cycles); }),
            QStringLiteral("raw QWebSocket"));
    out << Qt::endl;
    for (const Result &r : results)
        out << "ratio " << r.name << ' ' << QString::number(r.ratio, 'f', 3) << Qt::endl;
    out << "wall " << QString::number(wall.elapsed() / 1000.0, 'f', 1) << " s" << Qt::endl;
    return 0;
}
