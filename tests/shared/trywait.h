// SPDX-License-Identifier: MIT
#pragma once

// Waiting for a condition while the event loop runs, without waiting longer than it takes.
// QTRY_VERIFY and QTRY_COMPARE check every 50 ms (Qt 6.4 to 6.11, timeouts from 350 ms), and
// QTest::qWaitFor sleeps 10 ms after every pass of the event loop that left it false: most waits
// here are for a loopback round trip of well under a millisecond, and those sleeps were most of
// tst_hostile's and tst_chatserver's time (issue 23). TestWait::until blocks in the event loop
// until something happens and checks the condition after each event, with a 10 ms tick for a
// condition no event of this thread changes. The TRY_* macros end with Qt's own QVERIFY or
// QCOMPARE, so a failure reads as QTRY_*'s would.

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QTest>
#include <QTimer>

namespace TestWait {

template<typename Condition> [[nodiscard]] bool until(Condition &&condition, int timeoutMs = 5000)
{
    if (condition())
        return true;
    const QDeadlineTimer deadline(timeoutMs, Qt::PreciseTimer);
    QTimer tick;
    tick.start(10);
    QTimer end; // wakes the last wait at the deadline
    end.setSingleShot(true);
    end.setTimerType(Qt::PreciseTimer);
    end.start(timeoutMs);
    do {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        if (condition())
            return true;
    } while (!deadline.hasExpired());
    return false;
}

} // namespace TestWait

#define TRY_VERIFY_WITH_TIMEOUT(expr, timeout)                                                     \
    do {                                                                                           \
        (void)TestWait::until([&]() -> bool { return bool(expr); }, timeout);                      \
        QVERIFY(expr);                                                                             \
    } while (false)

#define TRY_VERIFY(expr) TRY_VERIFY_WITH_TIMEOUT(expr, 5000)

#define TRY_VERIFY2(expr, message)                                                                 \
    do {                                                                                           \
        (void)TestWait::until([&]() -> bool { return bool(expr); }, 5000);                         \
        QVERIFY2(expr, message);                                                                   \
    } while (false)

#define TRY_COMPARE_WITH_TIMEOUT(actual, expected, timeout)                                        \
    do {                                                                                           \
        (void)TestWait::until([&]() -> bool { return (actual) == (expected); }, timeout);          \
        QCOMPARE(actual, expected);                                                                \
    } while (false)

#define TRY_COMPARE(actual, expected) TRY_COMPARE_WITH_TIMEOUT(actual, expected, 5000)
