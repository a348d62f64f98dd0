// SPDX-License-Identifier: MIT
// The threads example of the SocketTask class page; tests/docs builds and runs it.
#include "worker.h"

#include <QThread>

Worker *startWorker(QThread *thread, const QUrl &url)
{
    //! [start]
    auto *worker = new Worker; // no parent: it moves to the thread
    worker->moveToThread(thread);
    QObject::connect(thread, &QThread::finished, worker, &QObject::deleteLater);
    thread->start();
    // connectSocket() then runs in the worker's thread, with the worker as the task's parent.
    QMetaObject::invokeMethod(worker, [worker, url] { worker->connectTo(url); });
    //! [start]
    return worker;
}
