# SYNTAX TEST "source.dockerfile" "no directive block when the file does not start with one"
# a plain first comment
# <- comment.line.number-sign.dockerfile punctuation.definition.comment.dockerfile - meta.directives.dockerfile
#^^^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - meta.directive.dockerfile
# syntax=docker/dockerfile:1
# <- comment.line.number-sign.dockerfile - meta.directive.dockerfile
# ^^^^^^ comment.line.number-sign.dockerfile - keyword.other.directive.dockerfile
#        ^^^^^^^^^^^^^^^^^^^ comment.line.number-sign.dockerfile - string.unquoted.directive.dockerfile
FROM alpine
# <---- keyword.other.special-method.dockerfile
