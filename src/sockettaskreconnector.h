// SPDX-License-Identifier: MIT
#pragma once

#include "sockettask.h"

#include <QList>
#include <QObject>
#include <QSharedDataPointer>

#include <memory>

class SocketTaskReconnectorPrivate;

// Keeps one connection up: a SocketTask at a time, and a new one after the last one dropped,
// with exponential backoff and jitter. A layer above SocketTask, which keeps its contract of
// one connection per task.
class SOCKETTASK_EXPORT SocketTaskReconnector : public QObject
{
    Q_OBJECT
    Q_PROPERTY(SocketTask *task READ task NOTIFY taskCreated)
    Q_PROPERTY(bool active READ isActive NOTIFY activeChanged)
    Q_PROPERTY(int attempt READ attempt NOTIFY reconnecting)

public:
    // When to try again, and how long to wait. Implicitly shared; a later version's fields
    // change no size.
    class SOCKETTASK_EXPORT Policy
    {
    public:
        Policy();
        Policy(const Policy &other);
        Policy(Policy &&other) noexcept;
        Policy &operator=(const Policy &other);
        Policy &operator=(Policy &&other) noexcept;
        ~Policy();

        // The wait before attempt k is initialDelay * multiplier^(k-1), at most maxDelay, less
        // a random part of up to jitter of it (0: none; 0.5, the default: 50% to 100% of it).
        int initialDelay() const; // ms, default 1000
        void setInitialDelay(int ms);
        int maxDelay() const; // ms, default 30000
        void setMaxDelay(int ms);
        double multiplier() const; // >= 1, default 2
        void setMultiplier(double multiplier);
        double jitter() const; // 0 to 1, default 0.5
        void setJitter(double jitter);
        // Attempts in a row without the connection opening, then it gives up. 0: no limit.
        int maxAttempts() const;
        void setMaxAttempts(int attempts);
        // Every close code but 1000 and 4000-4999 retries; these retry too (an application's
        // own 4xxx code that means "try again", say).
        QList<int> retryCloseCodes() const;
        void setRetryCloseCodes(const QList<int> &codes);

        bool retries(int closeCode) const;
        int delay(int attempt) const; // ms, before jitter

    private:
        class Data;
        QSharedDataPointer<Data> d;
    };

    explicit SocketTaskReconnector(QObject *parent = nullptr);
    explicit SocketTaskReconnector(const SocketTask::ConnectOption &option,
        const Policy &policy = Policy(), QObject *parent = nullptr);
    ~SocketTaskReconnector() override;

    // Both take effect at the next connection.
    SocketTask::ConnectOption option() const;
    void setOption(const SocketTask::ConnectOption &option);
    Policy policy() const;
    void setPolicy(const Policy &policy);

    // The latest connection (CLOSED while a new one is awaited), or nullptr before the first.
    SocketTask *task() const;
    // From start() until it stops trying: stop(), a close that does not retry, or giving up.
    bool isActive() const;
    // The attempt awaited or under way since the last time a connection opened; 0 for none.
    int attempt() const;
    // The milliseconds left before the next attempt, or -1 when none is awaited.
    int remainingTime() const;

public Q_SLOTS:
    // Connects now (a connection not CLOSED is kept), and counts the attempts from 0.
    void start();
    // No more attempts; a connection not CLOSED is closed with 1000.
    void stop();

Q_SIGNALS:
    // A connection was made (CONNECTING): add its listeners in the slot, before it opens.
    void taskCreated(SocketTask *task);
    // The last connection closed, or could not be made; attempt `attempt` starts in `delay` ms.
    void reconnecting(int delay, int attempt);
    // It stopped trying by itself: maxAttempts were made, or the options were refused.
    // errMsg is the last connection's (or the refusal's).
    void gaveUp(const QString &errMsg);
    void activeChanged(bool active);

protected:
    void timerEvent(QTimerEvent *event) override; // the wait between attempts

private:
    friend class SocketTaskReconnectorPrivate;
    std::unique_ptr<SocketTaskReconnectorPrivate> const d;
};
