package org.samizdat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's help, rendered as a terminal of 80 columns shows it: no picocli warning, no
 * line wider than the terminal, a one-line summary per command that is a whole sentence, and
 * every option that takes a value with a label and its default.
 */
class HelpTest {
    private static final int WIDTH = 80;

    private static List<CommandLine> everyCommand() {
        List<CommandLine> all = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(new CommandLine(new Main())));
        while (!todo.isEmpty()) {
            CommandLine c = todo.removeFirst();
            all.add(c);
            todo.addAll(c.getSubcommands().values().stream().filter(s -> !all.contains(s) && !todo.contains(s)).toList());
        }
        return all;
    }

    private static String name(CommandLine c) {
        return c.getCommandSpec().qualifiedName();
    }

    @Test
    void everyCommandsHelpRendersWithoutAWarningWithinTheTerminalWidth() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (CommandLine c : everyCommand()) {
                c.setUsageHelpWidth(WIDTH);
                String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
                for (String line : help.split("\n")) {
                    if (line.length() > WIDTH) {
                        problems.add(name(c) + ": a line of " + line.length() + " columns: " + line);
                    }
                }
                assertTrue(help.contains("Usage: " + name(c)), help);
            }
        } finally {
            System.setErr(err);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertEquals("", warnings, "picocli warned while rendering help");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyCommandHasAOneLineSummaryThatIsASentence() {
        CommandLine top = new CommandLine(new Main());
        top.setUsageHelpWidth(WIDTH);
        String help = top.getUsageMessage(CommandLine.Help.Ansi.OFF);
        String commands = help.substring(help.indexOf("Commands:"));
        for (CommandLine c : everyCommand()) {
            String[] description = c.getCommandSpec().usageMessage().description();
            assertTrue(description.length > 0, name(c) + " has no description");
            String summary = description[0];
            assertTrue(summary.endsWith("."), name(c) + ": the summary is not a whole sentence: " + summary);
        }
        for (String sub : top.getSubcommands().keySet()) {
            List<String> lines = commands.lines().toList();
            int at = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("  " + sub + " ")) {
                    at = i;
                }
            }
            assertTrue(at > 0, sub + " is not listed:\n" + commands);
            String next = at + 1 < lines.size() ? lines.get(at + 1) : "";
            assertTrue(!next.startsWith("      "), sub + "'s summary does not fit on one line:\n" + commands);
        }
    }

    @Test
    void everyOptionThatTakesAValueHasALabelAndSaysItsDefault() {
        List<String> problems = new ArrayList<>();
        for (CommandLine c : everyCommand()) {
            CommandSpec spec = c.getCommandSpec();
            for (OptionSpec o : spec.options()) {
                if (o.usageHelp() || o.versionHelp() || o.arity().max() == 0) {
                    continue;
                }
                if (o.paramLabel().startsWith("<")) {
                    problems.add(name(c) + " " + o.longestName() + ": no label (shows " + o.paramLabel() + ")");
                }
                String text = String.join(" ", o.description()).toLowerCase(java.util.Locale.ROOT);
                if (!o.required() && !text.contains("default") && !text.contains("repeat")) {
                    problems.add(name(c) + " " + o.longestName() + ": does not say its default");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
