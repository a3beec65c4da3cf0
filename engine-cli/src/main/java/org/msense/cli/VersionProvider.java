package org.msense.cli;

import org.msense.core.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code -V/--version} of every command: {@code msense VERSION}. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"msense " + Version.get()};
    }
}
