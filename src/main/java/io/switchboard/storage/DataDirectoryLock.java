package io.switchboard.storage;

import io.switchboard.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One router per embedded data directory: an OS file lock on {@code <dataDir>.lock}, taken before anything
 * looks at a Postgres process and held until the server is closed. Beside the directory, not in it: initdb
 * refuses a directory holding any file. The kernel drops the lock with its process, so a router killed
 * with SIGKILL leaves nothing to clean up; the file itself only names the holder's pid.
 */
final class DataDirectoryLock implements AutoCloseable {

  private final FileChannel channel;

  private DataDirectoryLock(FileChannel channel) {
    this.channel = channel;
  }

  static Path file(Path dataDir) {
    Path absolute = dataDir.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + ".lock");
  }

  /** Blocks only on file I/O; refuses at once (one line naming the key) when another process holds it. */
  static DataDirectoryLock acquire(Path dataDir) throws IOException {
    Path file = file(dataDir);
    Files.createDirectories(file.getParent());
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (tryLock(channel) == null) {
      channel.close();
      throw new ConfigException(List.of("storage.embedded.dataDir: " + dataDir.toAbsolutePath().normalize()
          + " is in use by another Switchboard" + holder(file) + "; stop it first, or give this one its own dataDir"));
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
    return new DataDirectoryLock(channel);
  }

  /**
   * zonky locks {@code epg-lock} inside the directory for as long as its JVM runs the server. Held by another
   * process, the postgres named in postmaster.pid is not an orphan but a running router's (one that predates
   * this lock, say), and must not be stopped.
   */
  static void refuseIfServed(Path dataDir) throws IOException {
    Path zonky = dataDir.resolve("epg-lock");
    if (!Files.exists(zonky)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(zonky, StandardOpenOption.WRITE); FileLock held = tryLock(channel)) {
      if (held == null) {
        throw new ConfigException(List.of("storage.embedded.dataDir: " + dataDir.toAbsolutePath().normalize()
            + " is in use by another process running its embedded Postgres; stop it first, or give this one its"
            + " own dataDir"));
      }
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by this very JVM
    }
  }

  private static String holder(Path file) {
    try {
      String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return pid.isEmpty() ? "" : " (pid " + pid + ")";
    } catch (IOException e) {
      return "";
    }
  }

  /** Closing the channel releases the lock; the file stays, it is only a name. */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
