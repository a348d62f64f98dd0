// SPDX-License-Identifier: MIT
#include "wirecheck_p.h"

#include <QHash>

#include <QIODevice>
#include <QStringDecoder>
#include <QStringList>
#include <QtEndian>

#include <algorithm>
#include <cstring>

namespace {

constexpr unsigned char finBit = 0x80;
constexpr unsigned char rsvBits = 0x70;
constexpr unsigned char maskBit = 0x80;
// RFC 6455 5.2
constexpr int opContinuation = 0x0, opText = 0x1, opBinary = 0x2, opClose = 0x8;
constexpr quint64 maxControlPayload = 125;

// RFC 6455 7.4.1 and the IANA registry: the codes a close frame may carry.
bool isValidCloseCode(int code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
}

QString quotedLatin1(const QByteArray &bytes)
{
    constexpr qsizetype shown = 100;
    QString text = QString::fromLatin1(bytes.left(shown));
    for (QChar &c : text) {
        if (!c.isPrint())
            c = u'?';
    }
    return u'"' + text + (bytes.size() > shown ? QStringLiteral("...\"") : QStringLiteral("\""));
}

} // namespace

void WireCheck::watch(QIODevice *device)
{
    if (m_device == device && m_statusCode == 401) {
        // Connected again to answer the 401: nothing of the old connection is left to read.
        m_nextResponse = true;
        m_bodyLeft = 0;
        m_parsedAhead = 0;
    }
    m_device = device;
    if (m_device->isTransactionStarted())
        m_device->commitTransaction(); // of the connection before, whose bytes are gone
    m_device->startTransaction();
}

bool WireCheck::catchUp()
{
    if (!m_device || !m_device->isTransactionStarted())
        return m_violation.isEmpty();
    const qint64 unread = m_device->bytesAvailable();
    m_device->rollbackTransaction();
    qint64 consumed = m_device->bytesAvailable() - unread;
    // What checkAhead() read already is only stepped over.
    const qint64 known = std::min(consumed, m_parsedAhead);
    if (known > 0) {
        m_device->skip(known);
        m_parsedAhead -= known;
        consumed -= known;
    }
    // Headers and small frames are read (copied) in chunks; a long payload we do not keep is
    // skipped, which copies nothing.
    char chunk[512];
    while (consumed > 0) {
        const bool skipping = m_step == Step::Ignore
            || (m_step == Step::Payload && !m_keepPayload && m_payloadLeft > quint64(sizeof chunk));
        if (skipping) {
            const qint64 n = m_step == Step::Ignore
                ? consumed
                : qint64(std::min<quint64>(m_payloadLeft, quint64(consumed)));
            const qint64 skipped = m_device->skip(n);
            if (skipped <= 0)
                break;
            if (m_step == Step::Payload) {
                m_payloadLeft -= quint64(skipped);
                if (m_payloadLeft == 0)
                    frameDone();
            }
            consumed -= skipped;
            continue;
        }
        const qint64 n = m_device->read(chunk, std::min<qint64>(consumed, sizeof chunk));
        if (n <= 0)
            break;
        read(chunk, n);
        consumed -= n;
    }
    m_device->startTransaction();
    return m_violation.isEmpty();
}

void WireCheck::read(const char *data, qsizetype size)
{
    while (size > 0) {
        qsizetype used = 0;
        switch (m_step) {
        case Step::Response:
            if (m_bodyLeft > 0) { // the body of a 401, which Qt skips
                used = qsizetype(std::min<qint64>(m_bodyLeft, size));
                m_bodyLeft -= used;
                break;
            }
            used = readResponse(data, size);
            break;
        case Step::Header:
            used = readHeader(data, size);
            break;
        case Step::Payload: {
            used = qsizetype(std::min<quint64>(m_payloadLeft, quint64(size)));
            if (m_keepPayload)
                m_controlPayload.append(data, used);
            m_payloadLeft -= quint64(used);
            if (m_payloadLeft == 0)
                frameDone();
            break;
        }
        case Step::Ignore:
            return;
        }
        data += used;
        size -= used;
    }
}

qsizetype WireCheck::readResponse(const char *data, qsizetype size)
{
    // Qt consumes the response in one piece, up to and including its blank line.
    if (std::exchange(m_nextResponse, false))
        m_response.clear();
    const qsizetype before = m_response.size();
    if (before == 0)
        m_response = QByteArray(data, size); // allocated to size: no 512-byte chunk kept
    else
        m_response.append(data, size);
    const qsizetype end = m_response.indexOf("\r\n\r\n", std::max<qsizetype>(0, before - 3));
    if (end < 0)
        return size;
    m_response.truncate(end + 4);
    const qsizetype lineEnd = m_response.indexOf("\r\n");
    m_statusLine = m_response.left(lineEnd);
    const QList<QByteArray> parts = m_statusLine.split(' ');
    m_statusCode = parts.size() >= 2 ? parts.at(1).toInt() : 0;
    if (m_statusCode == 401) {
        // Qt 6.6+ may send the request again with credentials: a new response would follow.
        // Until then this one stays, for handshakeProblem() to tell if Qt gives up.
        m_bodyLeft = header("content-length").toLongLong();
        m_nextResponse = true;
        return end + 4 - before;
    }
    m_step = Step::Header;
    return end + 4 - before;
}

qsizetype WireCheck::readHeader(const char *data, qsizetype size)
{
    // The usual frame, in one test: a whole message (FIN, text or binary, no RSV bit) when none
    // is open, unmasked, shorter than 126 bytes. It passes every check below as it is.
    if (m_headerSize == 0 && size >= 2 && !m_insideMessage) {
        const auto first = static_cast<unsigned char>(data[0]);
        const auto second = static_cast<unsigned char>(data[1]);
        if ((first == (finBit | opText) || first == (finBit | opBinary)) && second < 126) {
            payloadFollows(second, true, false);
            return 2;
        }
    }
    // Most often the whole header is there: no byte-by-byte loop.
    if (m_headerSize == 0 && size >= 2) {
        const auto second = static_cast<unsigned char>(data[1]);
        const int length7 = second & 0x7F;
        const qsizetype whole = 2
            + (length7 == 126        ? 2
                    : length7 == 127 ? 8
                                     : 0)
            + ((second & maskBit) ? 4 : 0);
        if (size >= whole) {
            std::memcpy(m_header, data, size_t(whole));
            m_headerSize = 2;
            if (!firstBytesPass())
                return 2;
            m_headerSize = int(whole);
            headerDone();
            return whole;
        }
    }
    qsizetype used = 0;
    // 2 bytes tell how many follow: an extended length (0, 2 or 8) and a masking key (0 or 4).
    auto needed = [this] {
        if (m_headerSize < 2)
            return 2;
        const int length7 = m_header[1] & 0x7F;
        return 2
            + (length7 == 126        ? 2
                    : length7 == 127 ? 8
                                     : 0)
            + ((m_header[1] & maskBit) ? 4 : 0);
    };
    while (used < size && m_headerSize < needed()) {
        m_header[m_headerSize++] = static_cast<unsigned char>(data[used++]);
        // Qt judges a frame by its first 2 bytes and stops reading there; so do we.
        if (m_headerSize == 2 && !firstBytesPass())
            return used;
    }
    if (m_headerSize == needed())
        headerDone();
    return used;
}

bool WireCheck::firstBytesPass()
{
    const unsigned char first = m_header[0];
    const int opcode = first & 0x0F;
    const bool isControl = opcode & 0x8;
    const int length7 = m_header[1] & 0x7F;
    // RFC 6455 5.2: no extension was negotiated, so every RSV bit must be 0.
    if (first & rsvBits) {
        const int bit = (first & 0x40) ? 1 : (first & 0x20) ? 2 : 3;
        fail(QStringLiteral("a frame with the reserved bit RSV%1 set").arg(bit));
    } else if ((opcode > opBinary && opcode < opClose) || opcode > 0xA) {
        fail(QStringLiteral("a frame with the reserved opcode 0x%1")
                 .arg(QString::number(opcode, 16).toUpper()));
    } else if (m_header[1] & maskBit) {
        // 5.1: "A server MUST NOT mask any frames that it sends to the client."
        fail(QStringLiteral("a masked frame (a server must not mask)"));
    } else if (isControl && !(first & finBit)) {
        fail(QStringLiteral("a fragmented control frame")); // 5.5
    } else if (isControl && length7 > int(maxControlPayload)) {
        fail(QStringLiteral("a control frame longer than 125 bytes")); // 5.5
    }
    return m_violation.isEmpty();
}

int WireCheck::checkAhead()
{
    if (!m_device || m_step == Step::Response || m_step == Step::Ignore)
        return 0;
    // A window, not all that waits: the headers in it are what counts. A long payload is only
    // counted here and skipped, not copied, by catchUp().
    char window[aheadWindow];
    const qint64 unread = m_device->bytesAvailable();
    if (unread <= m_parsedAhead || m_parsedAhead >= qint64(sizeof window))
        return 0;
    const qint64 seen = m_device->peek(window, std::min<qint64>(unread, sizeof window));
    if (seen <= m_parsedAhead)
        return 0;
    const int before = m_messagesRead;
    read(window + m_parsedAhead, seen - m_parsedAhead);
    m_parsedAhead = seen;
    // A message cut by a violation is not counted: its last frame never passed.
    return m_messagesRead - before;
}

void WireCheck::headerDone()
{
    const unsigned char first = m_header[0];
    const int opcode = first & 0x0F;
    const bool isFinal = first & finBit;
    const bool isControl = opcode & 0x8;
    const int length7 = m_header[1] & 0x7F;
    quint64 length = quint64(length7);
    if (length7 == 126)
        length = qFromBigEndian<quint16>(m_header + 2);
    else if (length7 == 127)
        length = qFromBigEndian<quint64>(m_header + 2);
    m_headerSize = 0;
    // The first 2 bytes passed firstBytesPass().

    // 5.2: "the minimal number of bytes MUST be used to encode the length".
    if ((length7 == 126 && length < 126) || (length7 == 127 && length <= 0xFFFF))
        return fail(QStringLiteral("a frame length not in its shortest form"));
    if (length7 == 127 && (length >> 63))
        return fail(QStringLiteral("a frame length over 2^63"));
    // Control frames may come between a message's fragments (5.4); data frames continue the
    // message that is open, or start one when none is.
    if (!isControl) {
        if (opcode == opContinuation && !m_insideMessage)
            return fail(QStringLiteral("a continuation frame with no message to continue"));
        if (opcode != opContinuation && m_insideMessage)
            return fail(QStringLiteral("a new message before the previous one ended"));
        m_insideMessage = !isFinal;
    }

    payloadFollows(length, !isControl && isFinal, opcode == opClose);
}

void WireCheck::payloadFollows(quint64 length, bool endsMessage, bool keep)
{
    m_frameEndsMessage = endsMessage;
    m_keepPayload = keep; // frameDone() takes the kept payload: none is left from before
    m_payloadLeft = length;
    m_step = Step::Payload;
    if (length == 0)
        frameDone();
}

void WireCheck::frameDone()
{
    m_step = Step::Header;
    m_messagesRead += m_frameEndsMessage;
    if (!m_keepPayload)
        return;
    m_keepPayload = false;
    // The server's close frame (RFC 6455 5.5.1, 7.1.5, 7.4): nothing after it counts.
    m_step = Step::Ignore;
    const QByteArray payload = std::exchange(m_controlPayload, {});
    if (payload.isEmpty()) {
        m_close = CloseFrame();
        return;
    }
    if (payload.size() == 1)
        return fail(QStringLiteral("a close frame with a 1-byte payload"));
    const int code = qFromBigEndian<quint16>(payload.constData());
    if (!isValidCloseCode(code))
        return fail(QStringLiteral("the invalid close code %1").arg(code));
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString reason = utf8(QByteArrayView(payload).sliced(2));
    if (utf8.hasError())
        return fail(QStringLiteral("invalid UTF-8 in the close reason"));
    m_close = CloseFrame { code, reason };
}

void WireCheck::fail(const QString &why)
{
    if (m_violation.isEmpty())
        m_violation = why;
    m_step = Step::Ignore;
}

bool WireCheck::checkPendingResponse()
{
    if (!m_device || m_step != Step::Response || !m_violation.isEmpty())
        return m_violation.isEmpty();
    // Qt waits for the blank line; an answer that cannot become HTTP fails now, not at the
    // connect timeout.
    static const QByteArray http = QByteArrayLiteral("HTTP/");
    if (m_device->bytesAvailable() <= m_bodyLeft)
        return true; // the body of a 401, and no response after it yet
    const QByteArray start = m_device->peek(m_bodyLeft + http.size()).mid(m_bodyLeft);
    if (!http.startsWith(start))
        fail(QStringLiteral("the server's answer is not HTTP: %1").arg(quotedLatin1(start)));
    else if (m_device->bytesAvailable() > maxResponseHeaderSize
        && !m_device->peek(maxResponseHeaderSize).contains("\r\n\r\n"))
        fail(QStringLiteral("the server's response headers are over %1 bytes")
                 .arg(maxResponseHeaderSize));
    return m_violation.isEmpty();
}

bool WireCheck::isMidMessage() const
{
    if (m_step == Step::Payload || (m_step == Step::Header && m_headerSize > 0) || m_insideMessage)
        return true;
    // Qt reads a frame's header and waits for the whole payload before it reads that.
    return m_device && m_step != Step::Ignore && m_device->bytesAvailable() > 0;
}

QByteArray WireCheck::header(const QByteArray &lowerCaseName) const
{
    QByteArrayList values;
    const QList<QByteArray> lines = m_response.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == lowerCaseName)
            values << line.mid(colon + 1).trimmed();
    }
    return values.join(", ");
}

QVariantMap WireCheck::responseHeaders() const
{
    QVariantMap headers;
    QHash<QByteArray, QString> spelling; // lower-case name: the name as first sent
    QString last; // the header a folded line continues (RFC 7230 3.2.4: obs-fold is a space)
    const QList<QByteArray> lines = m_response.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).endsWith('\r') ? lines.at(i).chopped(1) : lines.at(i);
        if (line.isEmpty())
            break;
        if ((line.startsWith(' ') || line.startsWith('\t')) && !last.isEmpty()) {
            QVariant &value = headers[last];
            const QString more = QString::fromLatin1(line.trimmed());
            if (value.metaType().id() == QMetaType::QStringList) {
                QStringList cookies = value.toStringList();
                cookies.last() += QLatin1Char(' ') + more;
                value = cookies;
            } else {
                value = value.toString() + QLatin1Char(' ') + more;
            }
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        const QByteArray lower = name.toLower();
        const QString value = QString::fromLatin1(line.mid(colon + 1).trimmed());
        auto known = spelling.constFind(lower);
        if (known == spelling.cend())
            known = spelling.insert(lower, QString::fromLatin1(name));
        last = *known;
        QVariant &slot = headers[last];
        if (lower == "set-cookie")
            slot = slot.toStringList() << value;
        else if (slot.isValid())
            slot = slot.toString() + QLatin1String(", ") + value;
        else
            slot = value;
    }
    return headers;
}

QString WireCheck::handshakeProblem(const QStringList &requestedProtocols) const
{
    if (!m_violation.isEmpty())
        return m_violation;
    if (m_statusLine.isEmpty())
        return {}; // Qt refused before it consumed the response
    if (m_response.size() > maxResponseHeaderSize)
        return QStringLiteral("the server's response headers are over %1 bytes")
            .arg(maxResponseHeaderSize);
    if (m_statusCode != 101) {
        return QStringLiteral("the server answered %1, not 101 Switching Protocols")
            .arg(quotedLatin1(m_statusLine));
    }
    if (!m_statusLine.startsWith("HTTP/1.1 "))
        return QStringLiteral("the server answered %1: WebSocket needs HTTP/1.1")
            .arg(quotedLatin1(m_statusLine));
    const QByteArray upgrade = header("upgrade");
    if (upgrade.compare("websocket", Qt::CaseInsensitive) != 0)
        return QStringLiteral("the server's answer has %1 where it needs \"Upgrade: websocket\"")
            .arg(upgrade.isEmpty() ? QStringLiteral("no Upgrade header")
                                   : QStringLiteral("\"Upgrade: %1\"").arg(quotedLatin1(upgrade)));
    const QByteArray connection = header("connection");
    bool hasUpgradeToken = false;
    for (const QByteArray &token : connection.split(','))
        hasUpgradeToken |= token.trimmed().compare("upgrade", Qt::CaseInsensitive) == 0;
    if (!hasUpgradeToken)
        return QStringLiteral("the server's answer has no \"Connection: Upgrade\" header");
    if (connection.compare("upgrade", Qt::CaseInsensitive) != 0) {
        // Qt 6.4 to 6.11 compare the whole value with "Upgrade"; RFC 6455 4.1 allows a list.
        return QStringLiteral("Qt %1 refuses the server's \"Connection: %2\", which RFC 6455 "
                              "allows (docs/reliability.md)")
            .arg(QString::fromLatin1(qVersion()), QString::fromLatin1(connection));
    }
    const QByteArray protocol = header("sec-websocket-protocol");
    if (!protocol.isEmpty() && !requestedProtocols.contains(QString::fromLatin1(protocol)))
        return QStringLiteral("the server chose the subprotocol %1, which was not requested")
            .arg(quotedLatin1(protocol));
    if (header("sec-websocket-accept").isEmpty())
        return QStringLiteral("the server's answer has no Sec-WebSocket-Accept header");
    // The rest Qt checks and we cannot (the accept key comes from a key we never see): Qt's
    // own words tell.
    return {};
}

QString WireCheck::acceptedResponseProblem()
{
    if (!m_violation.isEmpty())
        return m_violation;
    // We offer no extension (Qt has none), so the server may not choose one (RFC 6455 4.1).
    const QByteArray extensions = header("sec-websocket-extensions");
    m_response = QByteArray();
    if (!extensions.isEmpty())
        return QStringLiteral("the server chose the extension %1, which was not offered")
            .arg(quotedLatin1(extensions));
    return {};
}
