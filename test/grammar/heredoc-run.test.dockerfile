# SYNTAX TEST "source.dockerfile" "RUN heredocs: the body is embedded shell, up to the terminator line"
FROM alpine:3.20

RUN <<EOF
# <--- keyword.other.special-method.dockerfile - meta.heredoc.dockerfile
#   ^^ meta.heredoc.dockerfile keyword.operator.heredoc.dockerfile
#     ^^^ meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile
set -eux
# <-------- meta.heredoc.dockerfile meta.embedded.block.shellscript source.shell
if [ -f /etc/os-release ]; then echo "$HOME"; fi
# <-- meta.embedded.block.shellscript source.shell keyword.control.if.shell
#                          ^^^^ meta.embedded.block.shellscript source.shell keyword.control.then.shell
#                                      ^^^^ source.shell variable.other.normal.shell
#                                             ^^ source.shell keyword.control.fi.shell
apk add --no-cache curl && rm -rf /tmp/*
#                       ^^ source.shell punctuation.separator.statement.and.shell
# a comment in the body is a shell comment
# <- source.shell comment.line.number-sign.shell - comment.line.number-sign.dockerfile
# layerlens ignore=not-a-suppression-here
# <- source.shell comment.line.number-sign.shell - meta.suppression.layerlens.dockerfile
#   ^^^^^^^^^ source.shell - keyword.control.layerlens.dockerfile
COPY looks like an instruction but is shell
# <---- source.shell - keyword.other.special-method.dockerfile
  EOF
# ^^^ source.shell - entity.name.tag.heredoc.dockerfile
EOF
# <--- meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile - source.shell
RUN echo after
# <--- keyword.other.special-method.dockerfile - meta.heredoc.dockerfile
#   ^^^^^^^^^^ - source.shell

# Quoted delimiters: "EOT" and 'PY'. The rest of the opener line stays Dockerfile text.
RUN <<"EOT" bash -e
#   ^^ keyword.operator.heredoc.dockerfile
#     ^ punctuation.definition.string.begin.dockerfile
#      ^^^ entity.name.tag.heredoc.dockerfile
#         ^ punctuation.definition.string.end.dockerfile
#           ^^^^^^^ meta.heredoc.dockerfile - source.shell entity.name.tag.heredoc.dockerfile
echo "$NOT_EXPANDED"
# <---- meta.embedded.block.shellscript source.shell
EOT
# <--- meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile
RUN python3 <<'PY'
#           ^^ keyword.operator.heredoc.dockerfile
#             ^ punctuation.definition.string.begin.dockerfile
#              ^^ entity.name.tag.heredoc.dockerfile
#                ^ punctuation.definition.string.end.dockerfile
print("hi")
'PY'
# <---- - entity.name.tag.heredoc.dockerfile
PY
# <-- entity.name.tag.heredoc.dockerfile

# <<- : the terminator may be indented with tabs (not with spaces).
RUN <<-EOT
#   ^^^ keyword.operator.heredoc.dockerfile
#      ^^^ entity.name.tag.heredoc.dockerfile
	echo tabbed
# <------------ meta.embedded.block.shellscript source.shell
    EOT
#   ^^^ source.shell - entity.name.tag.heredoc.dockerfile
		EOT
# <-- meta.heredoc.dockerfile punctuation.whitespace.heredoc.leading.dockerfile
#  ^^^ meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile - source.shell
RUN echo after-dash
# <--- keyword.other.special-method.dockerfile - meta.heredoc.dockerfile

# Without the dash a tab-indented line is not the terminator.
RUN <<EOT
	EOT
#^^^ source.shell - entity.name.tag.heredoc.dockerfile
EOT
# <--- entity.name.tag.heredoc.dockerfile

# An unclosed quote in the body does not run past the terminator.
RUN <<EOF
echo "unbalanced
# <---- source.shell
EOF
# <--- meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile - string.quoted.double.shell source.shell
RUN echo next
# <--- keyword.other.special-method.dockerfile - source.shell string.quoted.double.shell string.quoted.double.dockerfile

# Opener on a continuation line and after a redirection; fd number; escaped name; lower case; ONBUILD.
RUN apt-get update && \
    cat <<EOF >/etc/motd && \
#       ^^ meta.heredoc.dockerfile keyword.operator.heredoc.dockerfile
#         ^^^ meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile
#            ^^^^^^^^^^^^^^^^ meta.heredoc.dockerfile - source.shell
    chmod 644 /etc/motd
#   ^^^^^^^^^^^^^^^^^^^ meta.heredoc.dockerfile - source.shell
Welcome
# <------- meta.embedded.block.shellscript source.shell
EOF
# <--- entity.name.tag.heredoc.dockerfile
run 3<<EOF cat /dev/fd/3
# <--- keyword.other.special-method.dockerfile
#   ^ constant.numeric.file-descriptor.dockerfile
#    ^^ keyword.operator.heredoc.dockerfile
#      ^^^ entity.name.tag.heredoc.dockerfile
x
EOF
# <--- entity.name.tag.heredoc.dockerfile
RUN cat <<\EOF
#       ^^ keyword.operator.heredoc.dockerfile
#         ^ constant.character.escape.dockerfile
#          ^^^ entity.name.tag.heredoc.dockerfile
$literal
# <-------- source.shell
EOF
# <--- entity.name.tag.heredoc.dockerfile
ONBUILD RUN <<EOF
# <------- keyword.control.dockerfile
#       ^^^ keyword.other.special-method.dockerfile
#           ^^ keyword.operator.heredoc.dockerfile
echo onbuild
# <---- source.shell
EOF
# <--- entity.name.tag.heredoc.dockerfile

# A shell heredoc inside the body: the first line that is exactly the Dockerfile name ends the
# Dockerfile heredoc, as in BuildKit, even when the shell heredoc uses the same name.
RUN <<EOF
cat <<EOT > /a
inner
EOT
# <--- source.shell - entity.name.tag.heredoc.dockerfile
cat <<EOF > /b
EOF
# <--- meta.heredoc.dockerfile entity.name.tag.heredoc.dockerfile - source.shell
RUN <<EOF
EOF
# <--- entity.name.tag.heredoc.dockerfile
RUN echo empty-body-before
# <--- keyword.other.special-method.dockerfile - meta.heredoc.dockerfile
