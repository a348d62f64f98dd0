// SPDX-License-Identifier: MIT
#include "chatwindow.h"

#include "democlient.h"

#include <QCloseEvent>
#include <QDateTime>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

ChatWindow::ChatWindow(const QUrl &url, const QString &nick, QWidget *parent)
    : QMainWindow(parent)
    , m_url(new QLineEdit(url.toString()))
    , m_nick(new QLineEdit(nick))
    , m_connect(new QPushButton(tr("Connect")))
    , m_banner(new QLabel)
    , m_messages(new QListWidget)
    , m_users(new QListWidget)
    , m_input(new QLineEdit)
    , m_send(new QPushButton(tr("Send")))
    , m_stateDot(new QLabel)
    , m_stateText(new QLabel)
{
    setWindowTitle(tr("SocketTask chat (Widgets)"));
    resize(900, 600);

    m_nick->setMaxLength(32);
    m_url->setPlaceholderText(QStringLiteral("ws://host:port"));
    m_nick->setPlaceholderText(tr("nickname"));
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Server")));
    top->addWidget(m_url, 3);
    top->addWidget(new QLabel(tr("Nickname")));
    top->addWidget(m_nick, 1);
    top->addWidget(m_connect);

    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setStyleSheet(QStringLiteral(
        "QLabel { background: #fdecea; color: #8a1c12; padding: 8px; border-radius: 4px; }"));
    m_banner->hide();

    m_messages->setWordWrap(true);
    m_messages->setSpacing(4);
    // (No ::item rule: it would hide the items' own background colours.)
    m_messages->setStyleSheet(QStringLiteral(
        "QListWidget { background: #fafafa; border: 1px solid #e0e0e0; font-size: 14px; }"));
    m_users->setStyleSheet(
        QStringLiteral("QListWidget { border: 1px solid #e0e0e0; font-size: 14px; }"
                       "QListWidget::item { padding: 3px 8px; }"));
    m_messages->setSelectionMode(QAbstractItemView::NoSelection);
    m_users->setSelectionMode(QAbstractItemView::NoSelection);
    auto *usersBox = new QWidget;
    auto *usersLayout = new QVBoxLayout(usersBox);
    usersLayout->setContentsMargins(0, 0, 0, 0);
    usersLayout->addWidget(new QLabel(tr("<b>In the room</b>")));
    usersLayout->addWidget(m_users);
    auto *split = new QSplitter;
    split->addWidget(m_messages);
    split->addWidget(usersBox);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);

    m_input->setPlaceholderText(tr("Write a message, Enter sends"));
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_input);
    bottom->addWidget(m_send);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addLayout(top);
    layout->addWidget(m_banner);
    layout->addWidget(split, 1);
    layout->addLayout(bottom);
    setCentralWidget(central);

    m_stateDot->setFixedSize(12, 12);
    statusBar()->addWidget(m_stateDot);
    statusBar()->addWidget(m_stateText, 1);

    connect(&m_link, &SocketTaskReconnector::taskCreated, this, &ChatWindow::attach);
    connect(&m_link, &SocketTaskReconnector::reconnecting, this, [this](int delay, int attempt) {
        DemoClient::note(
            QStringLiteral("reconnecting in %1 ms (attempt %2)").arg(delay).arg(attempt));
        m_countdown.start();
        updateState();
    });
    // Only options the library refused end it (a URL that is not ws:// or wss://).
    connect(&m_link, &SocketTaskReconnector::gaveUp, this, &ChatWindow::showError);
    connect(&m_link, &SocketTaskReconnector::activeChanged, this, &ChatWindow::updateState);
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &ChatWindow::updateState);
    connect(m_connect, &QPushButton::clicked, this,
        [this] { m_link.isActive() ? disconnectFromServer() : connectToServer(); });
    connect(m_input, &QLineEdit::returnPressed, this, [this] { sendChat(m_input->text()); });
    connect(m_send, &QPushButton::clicked, this, [this] { sendChat(m_input->text()); });
    updateState();
}

ChatWindow::~ChatWindow() = default;

void ChatWindow::connectToServer()
{
    m_stage = QStringLiteral("connecting to %1").arg(m_url->text());
    SocketTask::ConnectOption option(QUrl(m_url->text().trimmed()));
    option.setHeartbeat(15000, 10000); // a server gone silent counts as a drop too
    m_link.setOption(option);
    m_link.start();
    updateState();
}

void ChatWindow::attach(SocketTask *task)
{
    task->onOpen([this, task](const SocketTask::OnOpenCallbackResult &) {
        m_banner->hide(); // the drop's error is over
        m_stage = QStringLiteral("joining as %1").arg(m_nick->text());
        const QJsonObject join { { "type", "join" }, { "nick", m_nick->text() } };
        task->send(QString::fromUtf8(QJsonDocument(join).toJson(QJsonDocument::Compact)));
    });
    task->onMessage(
        [this](const SocketTask::OnMessageCallbackResult &r) { receive(r.data.toString()); });
    task->onError([this](const SocketTask::OnErrorCallbackResult &r) { showError(r.errMsg); });
    task->onClose([this](const SocketTask::OnCloseCallbackResult &) {
        m_users->clear();
        m_ownNick.clear();
        updateState();
    });
    connect(task, &SocketTask::readyStateChanged, this, &ChatWindow::updateState);
    updateState();
}

void ChatWindow::disconnectFromServer()
{
    m_link.stop(); // close 1000, no more attempts
    updateState();
}

void ChatWindow::closeEvent(QCloseEvent *event)
{
    disconnectFromServer(); // close 1000 on quit
    event->accept();
}

void ChatWindow::sendChat(const QString &text)
{
    SocketTask *task = m_link.task();
    if (text.trimmed().isEmpty() || !task || task->readyState() != SocketTask::OPEN)
        return;
    const QJsonObject chat { { "type", "chat" }, { "text", text.trimmed() } };
    SocketTask::SendOption option;
    option.setData(QString::fromUtf8(QJsonDocument(chat).toJson(QJsonDocument::Compact)));
    option.setSuccess([this](const SocketTask::CallbackResult &) { m_input->clear(); });
    option.setFail([this](const SocketTask::CallbackResult &r) { showError(r.errMsg); });
    task->send(option);
}

void ChatWindow::receive(const QString &data)
{
    const QJsonObject message = QJsonDocument::fromJson(data.toUtf8()).object();
    const QString type = message.value(QLatin1String("type")).toString();
    const QString time
        = QDateTime::fromMSecsSinceEpoch(qint64(message.value(QLatin1String("time")).toDouble()))
              .toString(QStringLiteral("hh:mm"));
    auto setUsers = [this, &message] {
        m_users->clear();
        for (const QJsonValue &user : message.value(QLatin1String("users")).toArray()) {
            const QString name = user.toString();
            m_users->addItem(name == m_ownNick ? tr("%1 (you)").arg(name) : name);
        }
    };
    if (type == QLatin1String("welcome")) {
        m_ownNick = message.value(QLatin1String("nick")).toString();
        setUsers();
        for (const QJsonValue &earlier : message.value(QLatin1String("history")).toArray())
            addChat(earlier.toObject());
        updateState();
        if (!m_greeting.isEmpty()) {
            m_stage = QStringLiteral("greeting sent");
            sendChat(m_greeting);
        }
    } else if (type == QLatin1String("chat")) {
        addChat(message);
    } else if (type == QLatin1String("users")) {
        setUsers();
    } else if (type == QLatin1String("notice") || type == QLatin1String("error")) {
        addLine(
            QStringLiteral("%1 · %2").arg(time, message.value(QLatin1String("text")).toString()),
            type);
    }
}

void ChatWindow::addChat(const QJsonObject &message)
{
    const QString nick = message.value(QLatin1String("nick")).toString();
    const QString text = message.value(QLatin1String("text")).toString();
    const QString time
        = QDateTime::fromMSecsSinceEpoch(qint64(message.value(QLatin1String("time")).toDouble()))
              .toString(QStringLiteral("hh:mm"));
    const bool own = nick == m_ownNick;
    addLine(QStringLiteral("%1  %2\n%3").arg(own ? tr("You") : nick, time, text),
        QStringLiteral("chat"), own);
    if (m_greeting.isEmpty())
        return;
    m_greetingBack = m_greetingBack || (own && text == m_greeting);
    m_expectSeen = m_expectSeen || m_expect.isEmpty() || (!own && text == m_expect);
    if (m_greetingBack && m_expectSeen) {
        m_stage = QStringLiteral("done");
        QTimer::singleShot(200, this, &ChatWindow::greetingEchoed);
    } else if (m_greetingBack) {
        m_stage = QStringLiteral("waiting for \"%1\" from someone else").arg(m_expect);
    }
}

void ChatWindow::addLine(const QString &text, const QString &kind, bool own)
{
    // QListWidgetItem text is plain text: markup in a chat message shows as typed.
    auto *item = new QListWidgetItem(text);
    if (kind == QLatin1String("chat")) {
        item->setBackground(own ? QColor(0xd7, 0xf3, 0xef) : QColor(0xf1, 0xf1, 0xf1));
        item->setTextAlignment(
            own ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
    } else {
        item->setForeground(
            kind == QLatin1String("error") ? QColor(0xc6, 0x28, 0x28) : QColor(0x75, 0x75, 0x75));
        item->setTextAlignment(Qt::AlignCenter);
    }
    m_messages->addItem(item);
    m_messages->scrollToBottom();
}

void ChatWindow::showError(const QString &errMsg)
{
    m_banner->setText(errMsg);
    m_banner->show();
}

void ChatWindow::updateState()
{
    QString text = tr("Disconnected");
    QString color = QStringLiteral("#9e9e9e");
    const SocketTask::ReadyState state
        = m_link.task() ? m_link.task()->readyState() : SocketTask::CLOSED;
    if (state == SocketTask::OPEN) {
        text = m_ownNick.isEmpty() ? tr("Joining…") : tr("Connected as %1").arg(m_ownNick);
        color = QStringLiteral("#2e7d32");
    } else if (state == SocketTask::CONNECTING) {
        text = tr("Connecting…");
        color = QStringLiteral("#f9a825");
    } else if (state == SocketTask::CLOSING) {
        text = tr("Closing…");
        color = QStringLiteral("#f9a825");
    } else if (m_link.remainingTime() >= 0) {
        text = tr("Reconnecting in %1 s").arg((m_link.remainingTime() + 999) / 1000);
        color = QStringLiteral("#f9a825");
    }
    if (m_link.remainingTime() < 0)
        m_countdown.stop();
    m_stateText->setText(text);
    m_stateDot->setStyleSheet(QStringLiteral("background: %1; border-radius: 6px;").arg(color));
    const bool active = m_link.isActive();
    m_connect->setText(active ? tr("Disconnect") : tr("Connect"));
    m_url->setEnabled(!active);
    m_nick->setEnabled(!active);
    const bool open = state == SocketTask::OPEN;
    m_input->setEnabled(open);
    m_send->setEnabled(open);
}
