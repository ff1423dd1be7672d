import assert from 'node:assert/strict';
import { convertToMultiStage } from '../../server/src/fixes/convert';
import type { ConvertResult } from '../../server/src/fixes/convert';

const pom = (body: string) =>
  `<?xml version="1.0"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n${body}\n</project>\n`;
const mavenDockerfile = (cmd: string) =>
  `FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n${cmd}\n`;
const bootBuild = (extra = '') =>
  `plugins {\n    id("org.springframework.boot") version "3.3.5"\n    java\n}\n\nversion = "1.2.0"\n${extra}`;

function convert(text: string, files: Record<string, string>): ConvertResult {
  return convertToMultiStage(text, { rootEntries: Object.keys(files), files });
}

/** The reason of a refusal, or the result when it converted. */
function reason(text: string, files: Record<string, string>): string | ConvertResult {
  const result = convert(text, files);
  return result.ok ? result : result.reason;
}

describe('convert Java', () => {
  it('names the jar artifactId-version, the version inherited from the parent', () => {
    const files = {
      'pom.xml': pom(
        '  <parent>\n    <groupId>org.example</groupId>\n    <artifactId>base</artifactId>\n    <version>7.1</version>\n  </parent>\n  <artifactId>api</artifactId>\n  <dependencies>\n    <dependency><artifactId>lib</artifactId><version>9</version></dependency>\n  </dependencies>',
      ),
    };
    assert.deepEqual(convert(mavenDockerfile('CMD ["java", "-jar", "target/api-7.1.jar"]'), files), {
      ok: true,
      text:
        'FROM maven:3.9-eclipse-temurin-21 AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.m2/repository mvn -B package\n\n' +
        'FROM eclipse-temurin:21-jre\nWORKDIR /app\nRUN groupadd --system app && useradd --system --gid app --no-create-home app\nCOPY --from=build /app/target/api-7.1.jar /app/target/api-7.1.jar\nUSER app\nCMD ["java", "-jar", "target/api-7.1.jar"]\n',
      messages: [
        'Added USER app: the original ran as root; the final stage creates the system user app (give it any folder the app writes outside /tmp).',
        'Added a BuildKit cache mount to the Maven RUN lines: dependencies are downloaded once across builds and stay out of the layers.',
        'The final stage is eclipse-temurin:21-jre with only /app/target/api-7.1.jar from the build stage.',
      ],
    });
  });

  it('resolves properties and -D overrides in finalName, and ships a war', () => {
    const files = {
      'pom.xml': pom(
        '  <artifactId>shop</artifactId>\n  <version>1</version>\n  <packaging>war</packaging>\n  <properties><flavour>eu</flavour></properties>\n  <build><finalName>${project.artifactId}-${flavour}-${build.id}</finalName></build>',
      ),
    };
    const text =
      'FROM maven:3-eclipse-temurin-17-alpine\nWORKDIR /app\nCOPY . .\nRUN mvn package -Dbuild.id=42\nUSER 1000\nENTRYPOINT ["java", "-Xmx256m", "-jar", "/app/target/shop-eu-42.war"]\n';
    const result = convert(text, files);
    assert.ok(result.ok);
    assert.match(
      result.text,
      /^FROM eclipse-temurin:17-jre-alpine\nWORKDIR \/app\nCOPY --from=build \/app\/target\/shop-eu-42\.war \/app\/target\/shop-eu-42\.war\nUSER 1000\n/m,
    );
  });

  it('lets a shell-form glob match only the boot jar: the final stage has no -plain.jar', () => {
    const files = { 'build.gradle.kts': bootBuild(), 'settings.gradle.kts': 'rootProject.name = "board"\n' };
    const result = convert(
      'FROM gradle:8.10-jdk21\nWORKDIR /src\nCOPY . .\nRUN gradle build --no-daemon\nCMD java $JAVA_OPTS -jar build/libs/*.jar\n',
      files,
    );
    assert.ok(result.ok);
    assert.match(
      result.text,
      /\nCOPY --from=build \/src\/build\/libs\/board-1\.2\.0\.jar \/src\/build\/libs\/board-1\.2\.0\.jar\n/,
    );
    assert.ok(
      result.messages.includes(
        'CMD runs build/libs/*.jar: the final stage has only /src/build/libs/board-1.2.0.jar, so it matches that jar alone.',
      ),
    );
    assert.match(result.text, /RUN --mount=type=cache,target=\/home\/gradle\/\.gradle\/caches gradle build/);
  });

  it('follows a literal archiveFileName in the bootJar block and names the project after its folder without rootProject.name', () => {
    const withName = convert(
      'FROM eclipse-temurin:21-jdk\nWORKDIR /work\nCOPY . .\nRUN ./gradlew bootJar\nCMD ["java", "-jar", "build/libs/app.jar"]\n',
      {
        'build.gradle.kts': bootBuild(
          'tasks.named<BootJar>("bootJar") {\n    archiveFileName.set("app.jar")\n}\ntasks.jar {\n    archiveClassifier = "plain"\n}\n',
        ),
      },
    );
    assert.ok(
      withName.ok && withName.text.includes('COPY --from=build /work/build/libs/app.jar /work/build/libs/app.jar'),
    );
    assert.ok(
      withName.ok &&
        withName.text.includes(
          'RUN --mount=type=cache,target=/root/.gradle/caches --mount=type=cache,target=/root/.gradle/wrapper ./gradlew bootJar',
        ),
    );
    const byFolder = convert(
      'FROM eclipse-temurin:21-jdk\nWORKDIR /srv/notes\nCOPY . .\nRUN ./gradlew bootJar\nCMD ["java", "-jar", "build/libs/notes-1.2.0.jar"]\n',
      { 'build.gradle.kts': bootBuild() },
    );
    assert.ok(byFolder.ok && byFolder.text.includes('COPY --from=build /srv/notes/build/libs/notes-1.2.0.jar'));
  });

  it('adds no cache mount when the build puts files in ~/.m2', () => {
    const files = { 'pom.xml': pom('  <artifactId>a</artifactId>\n  <version>1</version>') };
    const result = convert(
      'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY settings.xml /root/.m2/settings.xml\nCOPY . .\nRUN mvn package\nCMD ["java", "-jar", "target/a-1.jar"]\n',
      files,
    );
    assert.ok(result.ok && result.text.includes('\nRUN mvn package\n') && !result.text.includes('--mount'));
  });

  it('refuses what it cannot make safe', () => {
    const plain = { 'pom.xml': pom('  <artifactId>a</artifactId>\n  <version>1</version>') };
    const gradle = { 'build.gradle.kts': bootBuild(), 'settings.gradle.kts': 'rootProject.name = "board"\n' };
    const cases: [string, Record<string, string>, string][] = [
      [
        mavenDockerfile('CMD ["java", "-jar", "target/a-1.jar"]'),
        {},
        'No pom.xml in the build context: cannot tell the jar name.',
      ],
      [
        mavenDockerfile('CMD ["java", "-jar", "target/other.jar"]'),
        plain,
        'CMD at line 5 runs target/other.jar, but the build makes /app/target/a-1.jar: cannot tell which jar to ship.',
      ],
      [
        mavenDockerfile('CMD ["java", "-jar", "target/*.jar"]'),
        plain,
        'CMD at line 5 passes target/*.jar in exec form, where no shell expands the glob: name the jar.',
      ],
      [
        mavenDockerfile('CMD ["java", "-cp", "target/classes", "Main"]'),
        plain,
        'CMD at line 5 runs java without -jar (a class path or main class): cannot tell which files it needs.',
      ],
      [
        mavenDockerfile('CMD ["sh", "start.sh"]'),
        plain,
        'CMD at line 5 runs a shell script: cannot tell which file it runs.',
      ],
      [
        mavenDockerfile('CMD ["java", "-jar", "target/a-1.jar"]'),
        { 'pom.xml': pom('  <artifactId>a</artifactId>\n  <version>${revision}</version>') },
        'Cannot resolve the jar name from pom.xml (<artifactId>-<version>).',
      ],
      [
        mavenDockerfile('CMD ["java", "-jar", "target/a-1.jar"]'),
        {
          'pom.xml': pom(
            '  <artifactId>a</artifactId>\n  <version>1</version>\n  <build><plugins><plugin><configuration><classifier>exec</classifier></configuration></plugin></plugins></build>',
          ),
        },
        'A plugin in pom.xml sets a classifier (or attaches a shaded jar): cannot tell which jar is the runnable one.',
      ],
      [
        'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn -f api/pom.xml package\nCMD ["java", "-jar", "api/target/a-1.jar"]\n',
        plain,
        'The Maven build at line 4 names another pom or module (-f/-pl): cannot tell where the jar lands.',
      ],
      [
        'FROM maven:latest\nCOPY . .\nRUN mvn package\nCMD ["java", "-jar", "target/a-1.jar"]\n',
        plain,
        'Cannot tell the Java version of maven:latest: name it in the tag (e.g. 21-jdk).',
      ],
      [
        'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn package\nRUN mkdir /data\nCMD ["java", "-jar", "target/a-1.jar"]\n',
        plain,
        'RUN at line 5 runs after the build: cannot tell whether the shipped image needs what it makes.',
      ],
      [
        'FROM maven:3.9-eclipse-temurin-21\nRUN useradd api\nWORKDIR /app\nCOPY . .\nRUN mvn package\nUSER api\nCMD ["java", "-jar", "target/a-1.jar"]\n',
        plain,
        'USER api (line 6) is a user of the build image only: use a numeric UID.',
      ],
      [
        'FROM maven:3.9-eclipse-temurin-21-alpine\nWORKDIR /app\nCOPY . .\nRUN mvn package\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD ["java", "-jar", "target/a-1.jar"]\n',
        plain,
        'HEALTHCHECK at line 5 uses curl, which eclipse-temurin:21-jre-alpine does not have: check with the app itself (or install curl) first.',
      ],
      [
        'FROM maven:3.9-eclipse-temurin-21\nRUN apt-get update && apt-get install -y ffmpeg\nWORKDIR /app\nCOPY . .\nRUN mvn package\nCMD ["java", "-jar", "target/a-1.jar"]\n',
        plain,
        'Line 2 installs ffmpeg, which the app may need at run time and eclipse-temurin:21-jre does not have: cannot tell.',
      ],
      [
        'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ./gradlew jar\nCMD ["java", "-jar", "build/libs/board-1.2.0.jar"]\n',
        gradle,
        'The build runs only the jar task of a Spring Boot project: that is the plain jar, without dependencies.',
      ],
      [
        'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ./gradlew bootJar\nCMD ["java", "-jar", "build/libs/board-1.2.0.jar"]\n',
        { ...gradle, 'settings.gradle.kts': 'rootProject.name = "board"\ninclude("core")\n' },
        'settings.gradle.kts includes other projects: a multi-project build, cannot tell which project makes the runnable jar.',
      ],
      [
        'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN ./gradlew bootJar\nCMD ["java", "-jar", "build/libs/board-1.2.0.jar"]\n',
        { ...gradle, 'build.gradle.kts': bootBuild('base {\n    archivesName = "x"\n}\n') },
        'build.gradle.kts sets archivesName: cannot tell the jar name for sure.',
      ],
      [
        'FROM eclipse-temurin:21-jdk\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
        {},
        'No `mvn package` / `gradle build` (or their wrappers) found in a RUN: nothing to separate.',
      ],
    ];
    assert.deepEqual(
      cases.map(([text, files]) => reason(text, files)),
      cases.map(([, , expected]) => expected),
    );
  });
});
