// SPDX-License-Identifier: MIT
#include "recorder.h"

void SocketTaskTestCase::init()
{
    QCOMPARE(SocketTask::liveTaskCount(), 0);
    SocketTask::setMaxConcurrentTasks(5);
}

void SocketTaskTestCase::cleanup()
{
    // Tasks are parented to nothing and deleted by each test; give deferred deletes a turn.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    TRY_COMPARE(SocketTask::liveTaskCount(), 0);
}
